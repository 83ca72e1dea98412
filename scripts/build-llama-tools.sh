#!/usr/bin/env bash
# Build llama.cpp reference tools from the exact llama.cpp source that the
# installed node-llama-cpp was built from, so comparisons are like for like.
#
#   scripts/build-llama-tools.sh [target...]   (default: all known targets)
#
# rpc-server is llama.cpp's ggml-rpc-server (installed under the older, shorter name); with it,
# `llama-server --rpc 127.0.0.1:P1,127.0.0.1:P2` splits a model's layers across RPC devices.
#
# Progress goes to stderr; stdout's last line is the bin directory, so
#   BIN=$(scripts/build-llama-tools.sh llama-quantize | tail -1)
# works. Reruns with the same tag, flags and CPU skip everything.
set -euo pipefail

ALL_TARGETS=(llama-quantize llama-perplexity llama-bench llama-server rpc-server)

# The CMake target behind each name, where the two differ.
cmake_target() { case $1 in rpc-server) echo ggml-rpc-server ;; *) echo "$1" ;; esac; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LLAMA_PKG=$ROOT/node_modules/node-llama-cpp/llama
BUNDLE=$LLAMA_PKG/gitRelease.bundle
TAG=$(node -p 'require(process.argv[1]).tag' "$LLAMA_PKG/llama.cpp.info.json")

# The physical path: checkouts that share this cache through a symlink must give CMake the same
# source and build paths, or each one's configure makes the others recompile everything.
mkdir -p "$ROOT/.cache/llama-tools"
CACHE=$(cd "$ROOT/.cache/llama-tools" && pwd -P)/$TAG
SRC=$CACHE/src BIN=$CACHE/bin

CMAKE_FLAGS=(
  -DCMAKE_BUILD_TYPE=Release
  -DGGML_NATIVE=ON             # references are measured on this machine only
  -DBUILD_SHARED_LIBS=OFF      # self-contained binaries, no rpath/LD_LIBRARY_PATH
  -DLLAMA_BUILD_TESTS=OFF
  -DLLAMA_BUILD_EXAMPLES=OFF
  -DLLAMA_BUILD_APP=OFF        # unified `llama` binary, not needed
  -DLLAMA_BUILD_TOOLS=ON
  -DLLAMA_BUILD_SERVER=ON
  -DLLAMA_OPENSSL=OFF          # replaces the old LLAMA_CURL switch (now ignored); no model downloads
  -DLLAMA_BUILD_UI=OFF         # the server's web UI would need an npm build...
  -DLLAMA_USE_PREBUILT_UI=OFF  # ...or a Hugging Face download at build time; we only use the HTTP API
  -DGGML_RPC=ON                # the RPC backend: rpc-server, and --rpc in llama-server and the others
  -DGGML_RPC_RDMA=OFF          # plain TCP: no libibverbs dependency that differs between machines
)

# On CPUs with Intel AMX, this release's AMX kernel crashes natively built binaries on Q4_K
# models (ggml_backend_amx_mul_mat, seen on Sapphire Rapids) while the prebuilt AMX variant runs:
# leave AMX out, as QuantPilot's own engine build does (src/engine/build/nativeCpuOptions.ts).
if grep -qw amx_tile /proc/cpuinfo 2>/dev/null; then
  NO_AMX="-O3 -DNDEBUG -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  CMAKE_FLAGS+=("-DCMAKE_C_FLAGS_RELEASE=$NO_AMX" "-DCMAKE_CXX_FLAGS_RELEASE=$NO_AMX")
fi

log() { echo "[llama-tools] $*" >&2; }
die() { log "$*"; exit 1; }

TARGETS=("${@:-${ALL_TARGETS[@]}}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || die "unknown target '$t' (known: ${ALL_TARGETS[*]})"
done
[[ -f $BUNDLE ]] || die "missing $BUNDLE (run npm install)"

mkdir -p "$CACHE/stamps" "$BIN"
# Two callers (e.g. parallel test scripts) must not build into one tree at once.
exec 9>"$CACHE/.lock"
flock 9

# Native builds can crash with SIGILL on another CPU, so the CPU is part of the key.
CPU_ID=$(grep -m1 '^flags' /proc/cpuinfo | md5sum | cut -c1-12)
FLAGS_KEY=$(printf 'tag=%s\ncpu=%s\nflags=%s\n' "$TAG" "$CPU_ID" "${CMAKE_FLAGS[*]}")
# llama.cpp's logger writes from a thread that nothing joins at exit, so a tool's last lines
# (llama-perplexity's "Final estimate", the last chunks) are lost on some runs (llama.cpp
# issue 22142). The source is patched to flush the log at exit; nothing a tool computes changes.
LOG_PATCH=flush-log-at-exit-1
STAMP=$(printf '%spatch=%s\n' "$FLAGS_KEY" "$LOG_PATCH")
# One build folder per flag set: a checkout with other flags (an older branch of this script)
# configures its own folder instead of making this one recompile everything.
BUILD=$CACHE/build-$(printf '%s' "$FLAGS_KEY" | md5sum | cut -c1-12) LOG=$BUILD.log

patch_log_flush() {
  local file=$SRC/common/log.cpp
  grep -q "quantpilot: $LOG_PATCH" "$file" && return 0
  python3 - "$file" "$LOG_PATCH" <<'PY'
import sys
path, marker = sys.argv[1], sys.argv[2]
text = open(path).read()
anchor = "        log = new common_log;\n"
if text.count(anchor) != 1:
    sys.exit("common/log.cpp changed: cannot add the flush at exit")
flush = anchor + f"        std::atexit([] {{ log->pause(); }}); // quantpilot: {marker}\n"
open(path, "w").write("#include <cstdlib>\n" + text.replace(anchor, flush))
PY
}

todo=()
for t in "${TARGETS[@]}"; do
  if [[ -x $BIN/$t && "$(cat "$CACHE/stamps/$t" 2>/dev/null)" == "$STAMP" ]]; then
    log "$t: up to date"
  else
    todo+=("$t")
  fi
done

if ((${#todo[@]})); then
  : >"$LOG"
  fail() { log "$1 failed; last 40 lines of $LOG:"; tail -n 40 "$LOG" >&2; exit 1; }
  start=$SECONDS

  if [[ ! -d $SRC/.git ]]; then
    log "unbundling llama.cpp $TAG"
    rm -rf "$SRC.tmp"
    # Clone into a temp dir so an interrupted clone is never mistaken for a good one.
    git -c advice.detachedHead=false clone --quiet "$BUNDLE" "$SRC.tmp" >>"$LOG" 2>&1 || fail "unbundle"
    mv "$SRC.tmp" "$SRC"
  fi

  patch_log_flush >>"$LOG" 2>&1 || fail "patching the log flush"
  log "configuring ($BUILD)"
  cmake -S "$SRC" -B "$BUILD" "${CMAKE_FLAGS[@]}" >>"$LOG" 2>&1 || fail "configure"

  cmake_targets=()
  for t in "${todo[@]}"; do cmake_targets+=("$(cmake_target "$t")"); done
  log "building ${todo[*]} with -j$(nproc) (log: $LOG)"
  cmake --build "$BUILD" --target "${cmake_targets[@]}" -j "$(nproc)" >>"$LOG" 2>&1 || fail "build"

  for t in "${todo[@]}"; do
    install -m 755 "$BUILD/bin/$(cmake_target "$t")" "$BIN/$t"
    if ldd "$BIN/$t" | grep -q 'not found'; then
      ldd "$BIN/$t" >&2
      die "$t has unresolved shared libraries"
    fi
    printf '%s' "$STAMP" >"$CACHE/stamps/$t"
  done
  log "built ${todo[*]} in $((SECONDS - start))s"
fi

echo "$BIN"
