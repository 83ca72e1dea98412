#!/usr/bin/env bash
# Prepares .devcarry/ (ignored) for a one-shot check on a lent CUDA machine, which has no Node.js
# and no network: the llama.cpp source node-llama-cpp ships (trimmed, ~6 MB), a generated model,
# and scripts/gpu-check.sh. Then: run `bash .devcarry/gpu-check.sh` there, carrying .devcarry.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.devcarry"
mkdir -p "$OUT"
grep -qx '/.devcarry/' "$ROOT/.git/info/exclude" 2>/dev/null || echo '/.devcarry/' >>"$ROOT/.git/info/exclude"
tmp="$(mktemp -d)"
git clone -q --bare "$ROOT/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$tmp/src.git"
git --git-dir="$tmp/src.git" archive --format=tar HEAD -- ':!models' ':!docs' ':!examples' ':!app' ':!media' ':!tools/server/public*' ':!tools/ui' \
  | xz -T0 -6 >"$OUT/llama-src-min.tar.xz"
rm -rf "$tmp"
[ -f "$OUT/small-s1-f16.gguf" ] || node "$ROOT/dist/cli.js" make-test-model --preset small --seed 1 --out "$OUT/small-s1-f16.gguf"
cp "$ROOT/scripts/gpu-check.sh" "$OUT/gpu-check.sh"
du -sh "$OUT"
