#!/usr/bin/env bash
# The WebGPU check on a real GPU (issue 16, section 4), as ONE call of the device tool:
#   mimax info, the bench on --backend webgpu, and one fast critic-impact run on webgpu, whose
#   accuracy and bound are then compared with the committed wasm numbers (precomputed/).
# The device machine reaches no package registry: carry node_modules (with the optional
# webgpu + @tensorflow/tfjs-backend-webgpu installed here) and the Vulkan loader, as
# /work/.library/device/README.md says. Prepare once, here, in the repo root:
#   echo /.gl/ >>.git/info/exclude; mkdir -p .gl /tmp/amd64/partial
#   o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd .gl && apt-get $o download libvulkan1)
# Then call the device tool's run with carry ["node_modules", ".gl"], timeout_s 540, and
#   command "bash bench/gpu-check.sh"
# What comes back under $OUT: info.txt, bench-webgpu.json (commit it as
# bench/results/webgpu-<gpu>.json), bench.log, run.log, and the run's frame.
set -u
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
for f in .gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" /; done
ldconfig 2>/dev/null
if [ ! -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then :; else
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
node bin/mimax.js info --backend webgpu 2>&1 | tee "$OUT/info.txt" || { echo "no webgpu adapter: see info.txt"; exit 1; }
# The bench: ~30 steps per config; the Jacobian and probes run on the same backend.
timeout 300 node --import tsx bench/bench.ts --backend webgpu --steps 10 >"$OUT/bench.log" 2>&1
cp bench/results/webgpu.json "$OUT/bench-webgpu.json" 2>/dev/null
tail -30 "$OUT/bench.log"
# One fast critic-impact run (1 seed) on webgpu, compared below with the wasm precomputed frame.
timeout 200 node bin/mimax.js run critic-impact --preset fast --seeds 1 --backend webgpu \
  --out "$OUT/run" >"$OUT/run.log" 2>&1
tail -5 "$OUT/run.log"
find "$OUT/run" -name '*.csv' | head -1 | xargs -r -I{} cp {} "$OUT/critic-impact-webgpu.csv"
node --input-type=module -e "
import { readFileSync, existsSync } from 'node:fs';
const f = process.env.OUT + '/critic-impact-webgpu.csv';
if (!existsSync(f)) { console.log('no frame written'); process.exit(0); }
console.log(readFileSync(f, 'utf8').split('\n').slice(0, 3).join('\n'));
console.log('compare accuracy and bound at the last step with precomputed/critic-impact (wasm, mean ± sd over seeds)');
"
