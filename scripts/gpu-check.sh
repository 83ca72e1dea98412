#!/usr/bin/env bash
# One-shot GPU check on the device machine: builds llama.cpp's llama-bench and llama-quantize
# with CUDA (sm_90) from the exact source node-llama-cpp 3.21.1 ships, then measures CPU vs full
# GPU offload on a generated model and samples VRAM while it runs.
set -u
cd "$(dirname "$0")"
echo "== machine"; nvidia-smi --query-gpu=name,memory.total,memory.used,driver_version --format=csv; nproc; which git node cmake nvcc
mkdir -p /tmp/src && tar -C /tmp/src -xJf llama-src-min.tar.xz
start=$SECONDS
cmake -S /tmp/src -B /tmp/b -DCMAKE_BUILD_TYPE=Release -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DGGML_NATIVE=ON \
  -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF > "$OUT/cmake.log" 2>&1 || { tail -30 "$OUT/cmake.log"; exit 1; }
cmake --build /tmp/b -j16 --target llama-bench llama-quantize > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
echo "== build took $((SECONDS - start)) s"
/tmp/b/bin/llama-quantize small-s1-f16.gguf /tmp/small-q4km.gguf Q4_K_M > "$OUT/quantize.log" 2>&1 || tail -5 "$OUT/quantize.log"
(while sleep 0.25; do nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader,nounits; done) > "$OUT/vram.csv" 2>&1 &
sampler=$!
/tmp/b/bin/llama-bench -m small-s1-f16.gguf -m /tmp/small-q4km.gguf -ngl 0,99 -p 512 -n 128 -r 3 -t 8 -o md 2>"$OUT/bench.err" | tee "$OUT/bench.md"
kill $sampler
echo "== VRAM used (MiB) / GPU util (%) during the bench: min, max"
sort -t, -k1 -n "$OUT/vram.csv" | head -1; sort -t, -k1 -n "$OUT/vram.csv" | tail -1
