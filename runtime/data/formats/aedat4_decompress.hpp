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

// The most a packet of `compressed_size` bytes may decompress to: 255 times its size (about LZ4's
// largest possible ratio, far above the 2–10 of real event data) plus 64 KiB, and never over 256 MiB.
std::size_t aedat4_decompressed_limit(std::size_t compressed_size);

// The packet's bytes after decompression, in memory aligned for flatbuffers (a vector's own storage).
// Throws EventFileError(file, offset, ...) when the data are not one complete frame of the given
// compression or would decompress beyond aedat4_decompressed_limit.
std::vector<std::uint8_t> decompress_aedat4(std::string_view compressed, Aedat4Compression compression,
                                            const std::filesystem::path& file, std::uint64_t offset);

}  // namespace eligo
