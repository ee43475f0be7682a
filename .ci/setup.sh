#!/usr/bin/env bash
# Installs tape's build dependencies from Debian's archive and builds it with CMake.
# Usage: bash .ci/setup.sh [BUILD_DIR] [extra cmake args...]   (default BUILD_DIR: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true

packages=(
  build-essential cmake pkg-config
  capnproto libcapnp-dev librocksdb-dev libeigen3-dev libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev libssl-dev libxxhash-dev
  nlohmann-json3-dev libhowardhinnant-date-dev tzdata
  chromium fonts-dejavu-core
  nats-server libnats-dev libcivetweb-dev
  slurmctld slurmd slurm-client munge
)
# chromium: the tearsheet test renders it in a real headless browser (tests/stress/tearsheet_*).
# nats-server, libnats (client), civetweb (the /metrics server): `tape live` and its tests (label
# live), which start their own nats-server on a free loopback port. slurm + munge: the `cluster`
# tests start a one-node Slurm cluster as root without systemd (tests/cluster/).
# A clang++ build (CXX=clang++) needs Debian's clang and its sanitizer/libFuzzer runtimes; the
# default build uses g++.
[[ "${CXX:-}" == clang* ]] && packages+=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir" -j2
