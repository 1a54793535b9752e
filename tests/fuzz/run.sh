#!/usr/bin/env bash
# Builds the parser, frame-decoder, cluster-file, AEDAT 4, IDX and stream-frame fuzzers with clang's libFuzzer and AddressSanitizer, and runs each for SECONDS
# (default 60) from the bundled cases and examples as seeds. Not part of CI: run it by hand.
# Usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus_case" "$out/corpus_config" "$out/corpus_frame" "$out/corpus_cluster" "$out/corpus_aedat4" "$out/corpus_idx"
gen="$out/gen"
mkdir -p "$gen"
protoc -I proto/eligo --cpp_out="$gen" proto/eligo/config.proto proto/eligo/messages.proto
flatc --cpp -o "$gen/aedat4" schemas/aedat4/*.fbs
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -ffp-contract=off -I. -I"$gen" -I"$gen/aedat4")
common=(runtime/models/parameter_checks.cpp runtime/models/model_parameters.cpp runtime/network/network_description.cpp
        runtime/network/connection_rules.cpp runtime/data/*/*.cpp runtime/verification/reference_case.cpp
        runtime/verification/case_{populations,connections,stimulus,loss}.cpp runtime/core/*.cpp)
clang++ "${flags[@]}" tests/fuzz/fuzz_reference_case.cpp "${common[@]}" \
  -larchive -lcrypto -lflatbuffers -llz4 -lzstd -lz -o "$out/fuzz_reference_case"
clang++ "${flags[@]}" tests/fuzz/fuzz_training_config.cpp runtime/config/training_config.cpp runtime/config/config_*.cpp "${common[@]}" \
  "$gen/config.pb.cc" -lprotobuf -lyaml-cpp -larchive -lcrypto -lflatbuffers -llz4 -lzstd -lz -o "$out/fuzz_training_config"
clang++ "${flags[@]}" tests/fuzz/fuzz_frame_decoder.cpp actors/transport/frame_codec.cpp "$gen/messages.pb.cc" \
  -lprotobuf -o "$out/fuzz_frame_decoder"
clang++ "${flags[@]}" tests/fuzz/fuzz_cluster_file.cpp actors/cluster/cluster_file.cpp -lyaml-cpp \
  -o "$out/fuzz_cluster_file"
# The Prophesee RAW (EVT 2.0/3.0) and DAT readers, with seeds written here byte by byte.
mkdir -p "$out/corpus_raw" "$out/corpus_dat"
# (the readers share camera_events.cpp, which dispatches to every format, so they link them all)
formats=(runtime/data/formats/*.cpp runtime/core/*.cpp)
format_libs=(-larchive -lflatbuffers -llz4 -lzstd -lz -lcrypto)
clang++ "${flags[@]}" tests/fuzz/fuzz_prophesee_raw.cpp "${formats[@]}" "${format_libs[@]}" -o "$out/fuzz_prophesee_raw"
clang++ "${flags[@]}" tests/fuzz/fuzz_prophesee_dat.cpp "${formats[@]}" "${format_libs[@]}" -o "$out/fuzz_prophesee_dat"
clang++ "${flags[@]}" tests/fuzz/fuzz_aedat4.cpp "${formats[@]}" "${format_libs[@]}" -o "$out/fuzz_aedat4"
clang++ "${flags[@]}" tests/fuzz/fuzz_idx_file.cpp runtime/data/formats/idx_file.cpp -lz -o "$out/fuzz_idx_file"
# The streaming protocol's frames (runtime/stream/stream_frames.*), seeded with one frame of each client message.
mkdir -p "$out/corpus_stream"
protoc -I proto/eligo --cpp_out="$gen" proto/eligo/stream.proto
clang++ "${flags[@]}" tests/fuzz/fuzz_stream_frames.cpp runtime/stream/stream_frames.cpp "$gen/stream.pb.cc" \
  -lprotobuf -o "$out/fuzz_stream_frames"
# The same frames applied to a session's sample assembler (runtime/stream/sample_assembler.*).
clang++ "${flags[@]}" tests/fuzz/fuzz_stream_samples.cpp runtime/stream/{stream_frames,sample_assembler}.cpp \
  runtime/data/sources/{event_encoding,sensor_mapping}.cpp "$gen/stream.pb.cc" -lprotobuf -o "$out/fuzz_stream_samples"
printf '\0\0\0\x07\x0a\x05\x08\x01\x32\x01\x63\0\0\0\x0a\x12\x08\x0a\x02\x01\x02\x12\x02\x00\x01\0\0\0\x04\x2a\x02\x08\x05' \
  > "$out/corpus_stream/hello_events_advance"
printf '\0\0\0\x08\x1a\x06\x08\x03\x10\x0a\x18\x14\0\0\0\x0e\x22\x0c\x10\x09\x1a\x08\0\0\0\0\0\0\xf0\x3f\0\0\0\x05\x32\x03\x0a\x01\x61\0\0\0\x0e\x12\x0c\x0a\x01\x01\x1a\x01\x02\x22\x01\x03\x2a\x01\x01\0\0\0\x02\x3a\x00' \
  > "$out/corpus_stream/label_target_save_pixels_bye"
cp tests/data/nest/regression_eprop_iaf_adam.json "$out/corpus_case/"
cp examples/cluster.yaml "$out/corpus_cluster/example.yaml"
cp deploy/cluster.yaml "$out/corpus_cluster/compose.yaml"
cp examples/*.yaml "$out/corpus_config/"
# AEDAT 4 seeds: small valid files written by the unit tests' fixture, one per compression and layout.
clang++ -std=c++20 -O1 -I. -I"$gen/aedat4" tests/fuzz/make_aedat4_seeds.cpp -llz4 -lzstd -o "$out/make_aedat4_seeds"
"$out/make_aedat4_seeds" "$out/corpus_aedat4"
printf '\0\0\0\x08\x0a\x06\x08\x01\x20\x01\x22\x00' > "$out/corpus_frame/spikes"
# Prophesee seeds: tiny RAW (EVT 2.0, EVT 3.0 with vectors and a time wrap) and DAT files.
printf '%% evt 2.0\n%% format EVT2;height=480;width=640\n%% end\n\x01\x00\x00\x80\x02\x08\x00\x10\x05\x00\x40\x00\x01\x00\x00\xa0\xff\xff\xff\x8f' \
  > "$out/corpus_raw/evt2.raw"
printf '%% evt 3.0\n%% geometry 1280x720\n\xff\x8f\x05\x60\x03\x00\x07\x28\x0a\x38\x05\x48\x81\x50\x00\x80\x02\x60\x14\xe0\x00\xa1' \
  > "$out/corpus_raw/evt3.raw"
printf '%% Data file containing Event2D events.\n%% Version 2\n%% Height 100\n%% Width 120\n\x00\x08\x05\x00\x00\x00\x03\x40\x00\x10\x10\x00\x00\x00\x07\x80\x00\x00' \
  > "$out/corpus_dat/cd.dat"
# IDX seeds: 3 labels and one 28 x 28 image, plain and gzipped as the data sets ship them.
printf '\0\0\x08\x01\0\0\0\x03\x00\x05\x09' > "$out/corpus_idx/labels.idx"
{ printf '\0\0\x08\x03\0\0\0\x01\0\0\0\x1c\0\0\0\x1c'; printf '%784s' | tr ' ' '\200'; } > "$out/corpus_idx/image.idx"
gzip -kf "$out/corpus_idx/labels.idx" "$out/corpus_idx/image.idx"
"$out/fuzz_reference_case" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_case"
"$out/fuzz_training_config" -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 "$out/corpus_config"
"$out/fuzz_frame_decoder" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 "$out/corpus_frame"
"$out/fuzz_cluster_file" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 "$out/corpus_cluster"
"$out/fuzz_prophesee_raw" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_raw"
"$out/fuzz_prophesee_dat" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_dat"
"$out/fuzz_aedat4" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_aedat4"
"$out/fuzz_idx_file" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_idx"
"$out/fuzz_stream_frames" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_stream"
"$out/fuzz_stream_samples" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 "$out/corpus_stream"
