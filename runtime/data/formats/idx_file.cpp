#include "runtime/data/formats/idx_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace eligo {
namespace {

namespace fs = std::filesystem;

constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr std::uint8_t kUnsignedByte = 0x08;
constexpr std::size_t kMaxDims = 4;

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == kGzipMagic[0] &&
         static_cast<unsigned char>(bytes[1]) == kGzipMagic[1];
}

// The IDX bytes of a file, inflated on demand: the header first, then the data in chunks, so a
// damaged file costs no more memory than the data it really holds (not what its header claims).
class IdxStream {
 public:
  IdxStream(std::string_view bytes, const fs::path& file) : bytes_(bytes), file_(file), gzip_(is_gzip(bytes)) {
    if (!gzip_) return;
    // 15 + 16: a gzip wrapper (not zlib's) around a deflate stream with the largest window.
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw IdxFileError(file_, 0, false, "cannot start zlib's inflater");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes_.data()));
    z_.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes_.size(), std::numeric_limits<uInt>::max()));
    fed_ = z_.avail_in;
  }
  ~IdxStream() {
    if (gzip_) inflateEnd(&z_);
  }
  IdxStream(const IdxStream&) = delete;
  IdxStream& operator=(const IdxStream&) = delete;

  bool gzip() const { return gzip_; }
  std::uint64_t position() const { return position_; }  // IDX bytes delivered so far

  // Up to n bytes into dst; fewer only at the end of the data.
  std::size_t read(std::uint8_t* dst, std::size_t n) {
    const std::size_t got = gzip_ ? inflate_into(dst, n) : copy_into(dst, n);
    position_ += got;
    return got;
  }

  // Errors about the IDX content, at an offset of the inflated (or plain) bytes.
  [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const {
    throw IdxFileError(file_, offset, gzip_, problem);
  }

 private:
  std::size_t copy_into(std::uint8_t* dst, std::size_t n) {
    const std::size_t k = std::min(n, bytes_.size() - static_cast<std::size_t>(position_));
    std::memcpy(dst, bytes_.data() + position_, k);
    return k;
  }

  // Offsets of a damaged gzip stream are in the file: that is where a reader would look for them.
  std::size_t inflate_into(std::uint8_t* dst, std::size_t n) {
    std::size_t got = 0;
    while (got < n && !ended_) {
      z_.next_out = dst + got;
      z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n - got, std::numeric_limits<uInt>::max()));
      const uInt before = z_.avail_out;
      const int r = inflate(&z_, Z_NO_FLUSH);
      got += before - z_.avail_out;
      if (z_.avail_in == 0 && fed_ < bytes_.size()) {  // inputs above 4 GiB arrive in pieces
        const std::size_t more = std::min<std::size_t>(bytes_.size() - fed_, std::numeric_limits<uInt>::max());
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes_.data() + fed_));
        z_.avail_in = static_cast<uInt>(more);
        fed_ += more;
      }
      if (r == Z_STREAM_END) {
        ended_ = true;
        // A second gzip member or junk after the first: not what the data sets ship, and silently
        // ignoring it could hide a wrong file.
        if (compressed_offset() < bytes_.size()) {
          throw IdxFileError(file_, compressed_offset(), false, "data after the end of the gzip stream");
        }
      } else if (r == Z_BUF_ERROR && z_.avail_in == 0) {
        throw IdxFileError(file_, bytes_.size(), false, "the gzip stream ends early (truncated file?)");
      } else if (r == Z_MEM_ERROR) {
        throw IdxFileError(file_, compressed_offset(), false, "out of memory while inflating");
      } else if (r != Z_OK && r != Z_BUF_ERROR) {
        throw IdxFileError(file_, compressed_offset(), false,
                           std::string("corrupt gzip data: ") + (z_.msg ? z_.msg : "inflate failed"));
      }
    }
    return got;
  }
  std::uint64_t compressed_offset() const { return fed_ - z_.avail_in; }

  std::string_view bytes_;
  const fs::path& file_;
  bool gzip_;
  z_stream z_{};
  std::size_t fed_ = 0;  // input bytes handed to zlib
  bool ended_ = false;
  std::uint64_t position_ = 0;
};

std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

std::string dims_text(const std::vector<std::uint32_t>& dims) {
  std::string s;
  for (const std::uint32_t d : dims) s += (s.empty() ? "" : " × ") + std::to_string(d);
  return s;
}

// The header: magic, type, dimensions; returns the element count it declares.
std::uint64_t read_header(IdxStream& in, IdxArray& out) {
  std::uint8_t magic[4];
  const std::size_t got = in.read(magic, 4);
  if (got < 4) in.fail(got, "ends inside the 4-byte IDX magic (truncated, or not an IDX file)");
  if (magic[0] != 0 || magic[1] != 0) {
    in.fail(0, "not an IDX file: the magic must start with two zero bytes (got " + std::to_string(magic[0]) + " " +
                   std::to_string(magic[1]) + ")");
  }
  if (magic[2] != kUnsignedByte) {
    in.fail(2, "element type " + std::to_string(magic[2]) + " is not 8 (unsigned byte), the only type read here");
  }
  if (magic[3] == 0 || magic[3] > kMaxDims) {
    in.fail(3, std::to_string(magic[3]) + " dimensions: must be 1 to " + std::to_string(kMaxDims));
  }
  std::uint64_t elements = 1;
  for (std::size_t i = 0; i < magic[3]; ++i) {
    std::uint8_t size[4];
    const std::uint64_t at = in.position();
    if (in.read(size, 4) < 4) in.fail(at, "ends inside the size of dimension " + std::to_string(i) + " (truncated)");
    const std::uint32_t d = big_endian(size);
    if (d == 0) in.fail(at, "dimension " + std::to_string(i) + " has size 0");
    out.dims.push_back(d);
    elements *= d;  // at most 4 factors below 2^32 each: checked against the limit after each one
    if (elements > kMaxIdxBytes) {
      in.fail(at, "the header declares " + dims_text(out.dims) + (i + 1 < magic[3] ? " × ..." : "") +
                      " elements, more than the " + std::to_string(kMaxIdxBytes >> 20) + " MiB read here");
    }
  }
  return elements;
}

}  // namespace

IdxArray parse_idx(std::string_view bytes, const fs::path& file) {
  IdxStream in(bytes, file);
  IdxArray out;
  out.was_gzip = in.gzip();
  const std::uint64_t elements = read_header(in, out);
  const std::uint64_t data_start = in.position();
  // Grown chunk by chunk as the data arrives: a header that lies about the size costs nothing.
  constexpr std::size_t kChunk = 1 << 20;
  while (out.data.size() < elements) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, elements - out.data.size()));
    const std::size_t old = out.data.size();
    out.data.resize(old + want);
    const std::size_t got = in.read(out.data.data() + old, want);
    if (got < want) {
      in.fail(in.position(), "the data ends after " + std::to_string(old + got) + " of the " +
                                 std::to_string(elements) + " bytes the header declares (" + dims_text(out.dims) +
                                 "; truncated file?)");
    }
  }
  std::uint8_t extra;
  if (in.read(&extra, 1) == 1) {
    in.fail(data_start + elements,
            "trailing bytes after the " + dims_text(out.dims) + " elements the header declares (a different file?)");
  }
  return out;
}

IdxArray read_idx_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw IdxFileError(file, 0, false, "is a folder, not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IdxFileError(file, 0, false, std::string("cannot open the file: ") + std::strerror(errno));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IdxFileError(file, bytes.size(), false, "cannot read the file");
  return parse_idx(bytes, file);
}

std::size_t LabelledImages::count() const {
  std::size_t n = 0;
  for (const auto& class_images : images) n += class_images.size();
  return n;
}

LabelledImages pair_idx_images(const IdxArray& images, const fs::path& images_file, const IdxArray& labels,
                               const fs::path& labels_file, std::size_t per_class_limit) {
  // Header offsets: the count at byte 4, rows at 8, columns at 12.
  if (images.dims.size() != 3) {
    throw IdxFileError(images_file, 3, images.was_gzip,
                       std::to_string(images.dims.size()) + " dimensions (" + dims_text(images.dims) +
                           "): an image set has 3 (count × rows × columns)");
  }
  if (images.dims[1] != kMnistSide || images.dims[2] != kMnistSide) {
    throw IdxFileError(images_file, images.dims[1] != kMnistSide ? 8 : 12, images.was_gzip,
                       "images of " + std::to_string(images.dims[1]) + " × " + std::to_string(images.dims[2]) +
                           " pixels: must be 28 × 28");
  }
  if (labels.dims.size() != 1) {
    throw IdxFileError(labels_file, 3, labels.was_gzip,
                       std::to_string(labels.dims.size()) + " dimensions (" + dims_text(labels.dims) +
                           "): a label file has 1 (count)");
  }
  if (labels.dims[0] != images.dims[0]) {
    throw IdxFileError(labels_file, 4, labels.was_gzip,
                       "holds " + std::to_string(labels.dims[0]) + " labels but " + images_file.string() + " holds " +
                           std::to_string(images.dims[0]) + " images");
  }
  // An array built by hand rather than by parse_idx may disagree with its own dimensions.
  if (images.data.size() != std::size_t{images.dims[0]} * kMnistPixels || labels.data.size() != labels.dims[0]) {
    throw std::invalid_argument("pair_idx_images: an IDX array's data does not match its dimensions");
  }
  constexpr std::uint64_t kLabelStart = 4 + 4;
  LabelledImages out;
  for (std::size_t i = 0; i < labels.data.size(); ++i) {
    const std::uint8_t label = labels.data[i];
    if (label > 9) {
      throw IdxFileError(
          labels_file, kLabelStart + i, labels.was_gzip,
          "label " + std::to_string(label) + " of image " + std::to_string(i) + " is not a class 0 to 9");
    }
    std::vector<MnistImage>& class_images = out.images[label];
    if (per_class_limit != 0 && class_images.size() >= per_class_limit) continue;
    MnistImage& image = class_images.emplace_back();
    const std::uint8_t* pixels = images.data.data() + i * kMnistPixels;
    for (std::size_t p = 0; p < kMnistPixels; ++p) image[p] = static_cast<float>(pixels[p]) / 255.0f;
  }
  return out;
}

LabelledImages read_idx_image_set(const fs::path& images_file, const fs::path& labels_file,
                                  std::size_t per_class_limit) {
  const IdxArray labels = read_idx_file(labels_file);
  const IdxArray images = read_idx_file(images_file);
  return pair_idx_images(images, images_file, labels, labels_file, per_class_limit);
}

}  // namespace eligo
