// Bounded LZ4-frame and zstd-frame decompression of AEDAT 4 packets (aedat4_decompress.hpp).
// Both decoders run in streaming mode into a buffer that grows by doubling up to the limit: the frames
// iniVation's recorders write need not state their decompressed size, and a stated size could lie.
#include "runtime/data/formats/aedat4_decompress.hpp"

#include <lz4frame.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <memory>
#include <string>

#include "runtime/data/formats/camera_events.hpp"

namespace eligo {
namespace {

constexpr std::size_t kMaxDecompressed = std::size_t{256} << 20;
constexpr std::size_t kMaxRatio = 128;
constexpr std::size_t kFloor = std::size_t{64} << 10;

// Runs one streaming decoder to the end of its frame. `step(dst, dst_size, src, src_size)` decodes
// what it can, sets dst_size/src_size to the bytes written/read and returns true once the frame is
// complete; it throws on corrupt data.
template <class Step>
std::vector<std::uint8_t> run_decoder(std::string_view in, const char* kind, Step&& step,
                                      const std::filesystem::path& file, std::uint64_t offset) {
  const std::size_t limit = aedat4_decompressed_limit(in.size());
  // One byte beyond the limit: a frame that wants it is too large, one that fits finishes below it.
  const std::size_t capacity = limit + 1;
  std::vector<std::uint8_t> out(std::min(capacity, std::max(kFloor, 4 * in.size())));
  std::size_t produced = 0;
  std::size_t consumed = 0;
  while (true) {
    if (produced == out.size()) {
      if (out.size() >= capacity) {
        throw EventFileError(file, offset,
                             std::string(kind) + " data of " + std::to_string(in.size()) +
                                 " bytes decompress to more than " + std::to_string(limit) + " bytes");
      }
      out.resize(std::min(capacity, 2 * out.size()));
    }
    std::size_t dst_size = out.size() - produced;
    std::size_t src_size = in.size() - consumed;
    const bool done = step(out.data() + produced, dst_size, in.data() + consumed, src_size);
    produced += dst_size;
    consumed += src_size;
    if (done) {
      if (consumed != in.size()) {
        throw EventFileError(file, offset,
                             std::to_string(in.size() - consumed) + " bytes follow the end of the " + kind + " frame");
      }
      out.resize(produced);
      return out;
    }
    // Neither read nor written with room to write: the input ended inside the frame.
    if (dst_size == 0 && src_size == 0) {
      throw EventFileError(file, offset,
                           std::string(kind) + " frame is truncated (" + std::to_string(in.size()) +
                               " bytes do not hold a whole frame)");
    }
  }
}

std::vector<std::uint8_t> decompress_lz4(std::string_view in, const std::filesystem::path& file, std::uint64_t offset) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    throw EventFileError(file, offset, "cannot create an LZ4 decoder");
  }
  const std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(raw, LZ4F_freeDecompressionContext);
  auto step = [&](std::uint8_t* dst, std::size_t& dst_size, const char* src, std::size_t& src_size) {
    const std::size_t hint = LZ4F_decompress(ctx.get(), dst, &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(hint)) {
      throw EventFileError(file, offset, std::string("LZ4 frame does not decode: ") + LZ4F_getErrorName(hint));
    }
    return hint == 0;
  };
  return run_decoder(in, "LZ4", step, file, offset);
}

std::vector<std::uint8_t> decompress_zstd(std::string_view in, const std::filesystem::path& file,
                                          std::uint64_t offset) {
  const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) throw EventFileError(file, offset, "cannot create a zstd decoder");
  // The frame header names the window the decoder must reserve; bound it by the output limit, but
  // not below 8 MiB (what levels up to 19 use when the encoder did not know the size), so that a tiny
  // frame cannot make the decoder reserve 128 MiB and a real packet is never refused for its window.
  const std::size_t window_limit = std::max(aedat4_decompressed_limit(in.size()), std::size_t{8} << 20);
  int window_log = 10;
  while (window_log < 27 && (std::size_t{1} << window_log) < window_limit) ++window_log;
  ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, window_log);
  auto step = [&](std::uint8_t* dst, std::size_t& dst_size, const char* src, std::size_t& src_size) {
    ZSTD_outBuffer out{dst, dst_size, 0};
    ZSTD_inBuffer inb{src, src_size, 0};
    const std::size_t r = ZSTD_decompressStream(ctx.get(), &out, &inb);
    if (ZSTD_isError(r) && ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge) {
      throw EventFileError(file, offset,
                           "zstd data of " + std::to_string(in.size()) + " bytes decompress to more than " +
                               std::to_string(window_limit) + " bytes (the frame's window alone is larger)");
    }
    if (ZSTD_isError(r)) {
      throw EventFileError(file, offset, std::string("zstd frame does not decode: ") + ZSTD_getErrorName(r));
    }
    dst_size = out.pos;
    src_size = inb.pos;
    return r == 0;
  };
  return run_decoder(in, "zstd", step, file, offset);
}

}  // namespace

std::size_t aedat4_decompressed_limit(std::size_t compressed_size) {
  if (compressed_size >= (kMaxDecompressed - kFloor) / kMaxRatio) return kMaxDecompressed;
  return kFloor + kMaxRatio * compressed_size;
}

std::vector<std::uint8_t> decompress_aedat4(std::string_view compressed, Aedat4Compression compression,
                                            const std::filesystem::path& file, std::uint64_t offset) {
  switch (compression) {
    case Aedat4Compression::lz4:
      return decompress_lz4(compressed, file, offset);
    case Aedat4Compression::zstd:
      return decompress_zstd(compressed, file, offset);
    case Aedat4Compression::none:
      break;
  }
  return std::vector<std::uint8_t>(compressed.begin(), compressed.end());
}

}  // namespace eligo
