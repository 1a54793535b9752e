#!/usr/bin/env bash
# Installs, with apt-get, whatever eligo needs to build and test on Debian 12.
# Idempotent: when every package is present it installs nothing and does not touch the network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev libboost-dev libboost-system-dev libboost-program-options-dev libssl-dev
  libprotobuf-dev protobuf-compiler python3-protobuf libspdlog-dev catch2
  nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libarchive-dev gnuplot-nox
  libflatbuffers-dev flatbuffers-compiler liblz4-dev libzstd-dev zlib1g-dev clang-format clang-tidy
  clang libclang-rt-14-dev  # tests/fuzz/run.sh: clang++ with libFuzzer and the sanitizers
)
# Not installed here: dataset-fashion-mnist (30 MB of images, only for `eligo data fashion-mnist-events`;
# apt-get install dataset-fashion-mnist when you want it, docs/data.md).

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
