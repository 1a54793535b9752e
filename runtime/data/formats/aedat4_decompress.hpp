#pragma once
// Undoes the compression of one AEDAT 4 packet (or of the data table): none, an LZ4 frame or a zstd
// frame, as the file header says. The output is bounded before it is allocated, so a few bytes that
// claim to expand to gigabytes cost an error, not the memory.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace eligo {

enum class Aedat4Compression { none, lz4, zstd };  // LZ4_HIGH and ZSTD_HIGH decode as lz4 and zstd

// The most a packet of `compressed_size` bytes may decompress to: 128 times its size plus 64 KiB, and
// never over 256 MiB. Real event packets compress about 2:1 (the DVXplorer sample: 1.85); LZ4's own
// ceiling is about 255:1, reached only by runs of identical bytes.
std::size_t aedat4_decompressed_limit(std::size_t compressed_size);

// The packet's bytes after decompression, in memory aligned for flatbuffers (a vector's own storage).
// Throws EventFileError(file, offset, ...) when the data are not one complete frame of the given
// compression or would decompress beyond aedat4_decompressed_limit.
std::vector<std::uint8_t> decompress_aedat4(std::string_view compressed, Aedat4Compression compression,
                                            const std::filesystem::path& file, std::uint64_t offset);

}  // namespace eligo
