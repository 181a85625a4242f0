#!/usr/bin/env bash
# Proves medslip's CUDA path end to end on one GPU, in one command (under 8 minutes on one H100-class GPU):
#   1. set-up: Node dependencies, a CUDA libtorch (LIBTORCH, or a python3 whose torch has CUDA), the addon built
#      against it; `medslip info` and nvidia-smi
#   2. the parity tests on the GPU (MEDSLIP_TEST_DEVICE), with every measured max |Δ| collected, plus the device
#      and bench tests
#   3. one pre-training epoch of the demo's configuration (src/tasks/demo.ts demoConfig) on the GPU
#   4. zero-shot classification (CXR14 format) and grounding (RSNA format) of that checkpoint on the GPU
#   5. `medslip bench model --device cuda`: ResNet-50, 224 px, batch 32 and 64, the PyTorch baseline on the same
#      GPU in the same run, GPU memory per process sampled by nvidia-smi during the batch-64 run
# Every step runs even when one before it failed (a GPU hour is precious: each step's numbers are kept); the
# script exits 1 at the end if any step failed, and summary.md says which.
#
#   scripts/gpu-check.sh [OUT_DIR]            (default gpu-check-out/; intermediate files in OUT_DIR/../ are not
#                                              written: runs and data go to MEDSLIP_GPU_CHECK_WORK, default a temp dir)
# Environment:
#   MEDSLIP_GPU_CHECK_DEVICE=cpu   a dry run of the same steps on the CPU at toy size (seconds to minutes)
#   MEDSLIP_GPU_CHECK_PARITY       test-file filters of step 2 (default "test/parity/"; e.g. test/parity/medslip-r18)
#   MEDSLIP_SHARED_DIR             the fixtures' parent folder when it is not ../shared beside the checkout
#   MEDSLIP_GPU_CHECK_WORK         where runs and data go (default: a new temp dir, removed at the end)
#   MEDSLIP_OFFLINE_BUNDLE         a file from scripts/offline-bundle.sh, for a machine without the npm registry:
#                                  its Node goes first on PATH, its node_modules where none is
# Output (OUT_DIR, at most 8 files): summary.md, gpu-check.log (everything), info.json, parity-errors.txt,
#   bench-b32.json, bench-b64.json, gpu-memory.csv (cuda only).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
device="${MEDSLIP_GPU_CHECK_DEVICE:-cuda}"
out="$(mkdir -p "${1:-gpu-check-out}" && cd "${1:-gpu-check-out}" && pwd)"
parity_filters="${MEDSLIP_GPU_CHECK_PARITY:-test/parity/}"
work="${MEDSLIP_GPU_CHECK_WORK:-}"
if [[ -z "$work" ]]; then work="$(mktemp -d -t medslip-gpu-check.XXXXXX)"; remove_work=1; else mkdir -p "$work"; remove_work=0; fi
log="$out/gpu-check.log"
summary="$out/summary.md"
: >"$log"
sampler_pid=""

cleanup() {
  if [[ -n "$sampler_pid" ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [[ "$remove_work" == 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

say() { echo "gpu-check: $*" | tee -a "$log"; }
fail() { say "FAILED: $*"; exit 1; }

case "$device" in
  cpu) size=toy ;;
  cuda|cuda:[0-9]*) size=full ;;
  *) fail "MEDSLIP_GPU_CHECK_DEVICE must be cpu, cuda or cuda:N but is \"$device\"" ;;
esac
# Toy sizes keep the CPU dry run short; the GPU runs the real ones.
if [[ "$size" == full ]]; then
  images=1200; bench_config=full; bench_batches=(32 64); bench_runs=5
else
  images=80; bench_config=demo; bench_batches=(2 4); bench_runs=1
fi

declare -a step_names=() step_results=() step_seconds=()
# step NAME COMMAND...: runs one step, its output into the log, and records PASS/FAIL and its duration.
step() {
  local name="$1"; shift
  say "── $name ($(date -u +%H:%M:%S))"
  local started=$SECONDS status=0
  "$@" 2>&1 | tee -a "$log" || status=$?
  step_names+=("$name"); step_seconds+=($((SECONDS - started)))
  if [[ "$status" == 0 ]]; then step_results+=(PASS); else step_results+=("FAIL (exit $status)"); say "step \"$name\" failed with exit $status"; fi
  return 0
}

medslip() { node "$root/bin/medslip.js" "$@"; }

# ── 1. set-up ──────────────────────────────────────────────────────────────────────────────────────────────────
if [[ -n "${MEDSLIP_OFFLINE_BUNDLE:-}" ]]; then
  [[ -f "$MEDSLIP_OFFLINE_BUNDLE" ]] || fail "MEDSLIP_OFFLINE_BUNDLE=$MEDSLIP_OFFLINE_BUNDLE is not a file"
  mkdir -p "$work/offline"
  tar -xJf "$MEDSLIP_OFFLINE_BUNDLE" -C "$work/offline" || fail "could not unpack $MEDSLIP_OFFLINE_BUNDLE"
  export PATH="$work/offline/node/bin:$PATH"
  if [[ ! -d node_modules ]]; then mv "$work/offline/node_modules" node_modules; fi
  say "offline bundle $MEDSLIP_OFFLINE_BUNDLE unpacked"
fi
command -v node >/dev/null || fail "node not found: install Node.js ≥ 20.9 (https://nodejs.org) and put it on PATH"
node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 9) ? 0 : 1)' \
  || fail "node $(node --version) is too old: medslip needs ≥ 20.9"
say "device $device ($size size), output $out, work $work, node $(node --version)"

if [[ ! -d node_modules ]]; then
  command -v npm >/dev/null || fail "node_modules is missing and npm was not found"
  say "npm ci (node_modules is missing)"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund 2>&1 | tee -a "$log" \
    || fail "npm ci failed (a machine without the npm registry needs node_modules copied from a machine with it)"
fi

libtorch_json="$(node native/locate-libtorch.mjs json 2>>"$log")" \
  || fail "no libtorch found: set LIBTORCH to a CUDA libtorch, or use a python3 whose torch was built with CUDA"
echo "$libtorch_json" >>"$log"
libtorch_cuda="$(node -e 'console.log(JSON.parse(process.argv[1]).cuda)' "$libtorch_json")"
if [[ "$device" != cpu && "$libtorch_cuda" != true ]]; then
  fail "the libtorch found ($(node -e 'console.log(JSON.parse(process.argv[1]).source)' "$libtorch_json")) has no CUDA libraries (libtorch_cuda.so): set LIBTORCH to a CUDA build, or put a python3 with CUDA torch first on PATH"
fi

# The addon is (re)built when it is missing, does not load, or lacks the CUDA the device needs.
addon_cuda() { node --import tsx --input-type=module -e 'const { native } = await import("./src/torch/binding.ts"); console.log(native.versions().cudaAvailable)' 2>>"$log"; }
addon_state="$(addon_cuda || echo broken)"
if [[ "$addon_state" == broken || ( "$device" != cpu && "$addon_state" != true ) ]]; then
  say "building the native addon against $(node -e 'const l = JSON.parse(process.argv[1]); console.log(`libtorch ${l.version} from ${l.source}`)' "$libtorch_json") (addon was: $addon_state)"
  node scripts/build-native.mjs 2>&1 | tee -a "$log" || fail "the native addon did not build (the compiler's messages are in $log)"
  addon_state="$(addon_cuda || echo broken)"
fi
[[ "$addon_state" != broken ]] || fail "the native addon does not load (see $log)"
[[ "$device" == cpu || "$addon_state" == true ]] \
  || fail "the addon loads but torch::cuda::is_available() is false: no GPU visible (nvidia-smi), or a driver older than this libtorch's CUDA"

medslip info --json >"$out/info.json" 2>>"$log" || fail "medslip info failed (see $log)"
medslip info | tee -a "$log"
if [[ "$device" != cpu ]]; then
  command -v nvidia-smi >/dev/null && nvidia-smi 2>&1 | tee -a "$log" || say "nvidia-smi not found: GPU memory will not be sampled"
fi

# ── 2. parity and device tests on the device ─────────────────────────────────────────────────────────────────
# shellcheck disable=SC2086 # the filters are words
step "parity tests on $device" env MEDSLIP_TEST_DEVICE="$device" node scripts/test.mjs $parity_filters test/torch/device.test.ts test/tasks/bench-model.test.ts
grep -E 'max \|Δ\|' "$log" >"$out/parity-errors.txt" || echo "(no max |Δ| lines: the parity tests did not run)" >"$out/parity-errors.txt"

# ── 3. one pre-training epoch of the demo's configuration ─────────────────────────────────────────────────────
node --import tsx --input-type=module -e '
  const { demoConfig } = await import("./src/tasks/demo.ts");
  console.log(JSON.stringify(demoConfig({ images: Number(process.argv[1]), seed: 1, epochs: 1 })));' "$images" >"$work/demo-config.json" \
  || fail "could not write the demo configuration (src/tasks/demo.ts demoConfig)"
step "pre-training, 1 epoch of the demo configuration ($images images)" \
  medslip pretrain --config "$work/demo-config.json" --device "$device" --out "$work/pretrain" --quiet "syntheticDir=$work/data"

# ── 4. zero-shot classification and grounding of that checkpoint ──────────────────────────────────────────────
step "zero-shot classify (CXR14 format)" medslip zeroshot classify --checkpoint "$work/pretrain" --books "$work/pretrain/books.safetensors" \
  --dataset cxr14 --csv "$work/data/heldout_cxr14.csv" --bootstrap 100 --device "$device" --out "$work/zeroshot-classify"
step "zero-shot ground (RSNA format)" medslip zeroshot ground --checkpoint "$work/pretrain" --books "$work/pretrain/books.safetensors" \
  --dataset rsna --csv "$work/data/heldout_rsna.csv" --overlays 2 --device "$device" --out "$work/zeroshot-ground"

# ── 5. the model benchmark against PyTorch on the same device ────────────────────────────────────────────────
for batch in "${bench_batches[@]}"; do
  if [[ "$device" != cpu && "$batch" == "${bench_batches[-1]}" ]] && command -v nvidia-smi >/dev/null; then
    # GPU memory of each process (medslip's node and PyTorch's python3) while the largest batch runs
    nvidia-smi --query-compute-apps=timestamp,pid,process_name,used_memory --format=csv,nounits -lms 250 >"$out/gpu-memory.csv" 2>>"$log" &
    sampler_pid=$!
  fi
  step "bench model, $bench_config configuration, batch $batch, on $device" bash -c \
    'node bin/medslip.js bench model --config "$1" --batch "$2" --runs "$3" --device "$4" --no-onnx --json >"$5" && cat "$5"' \
    _ "$bench_config" "$batch" "$bench_runs" "$device" "$out/bench-b$batch.json"
  if [[ -n "$sampler_pid" ]]; then kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""; fi
done

# ── summary ─────────────────────────────────────────────────────────────────────────────────────────────────
node --input-type=module - "$out" "$device" "${#step_names[@]}" "${step_names[@]}" "${step_results[@]}" "${step_seconds[@]}" >"$summary" <<'EOF'
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const [out, device, countText, ...rest] = process.argv.slice(2);
const count = Number(countText);
const names = rest.slice(0, count), results = rest.slice(count, 2 * count), seconds = rest.slice(2 * count);
const lines = [`# medslip GPU check on ${device}`, ''];
const info = JSON.parse(readFileSync(join(out, 'info.json'), 'utf8'));
lines.push(`medslip ${info.medslip ?? ''}, libtorch ${info.libtorch?.version} from ${info.libtorch?.source}; devices ${(info.devices ?? []).join(', ')}`, '');
lines.push('| step | result | seconds |', '| --- | --- | --- |', ...names.map((n, i) => `| ${n} | ${results[i]} | ${seconds[i]} |`), '');
lines.push('## Parity: every max |Δ| against its limit', '', '```', readFileSync(join(out, 'parity-errors.txt'), 'utf8').trim(), '```', '');
lines.push('## Model benchmark (medians; PyTorch = bench/medslip_pytorch.py on the same device, runs alternating)', '');
lines.push('| batch | medslip train images/s | PyTorch train images/s | ratio | medslip inference images/s | PyTorch inference images/s | ratio |', '| --- | --- | --- | --- | --- | --- | --- |');
for (const file of readdirSync(out).filter((f) => /^bench-b\d+\.json$/.test(f)).sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)))) {
  let bench;
  try { bench = JSON.parse(readFileSync(join(out, file), 'utf8')); } catch { lines.push(`| ${file}: no result (the step failed) | | | | | | |`); continue; }
  for (const m of bench.models) {
    const b = m.config.batch, p = m.pytorch;
    const pt = p ? (b * 1000) / p.train.wallMs : undefined, pi = p ? (b * 1000) / p.infer.wallMs : undefined;
    const f = (v) => (v === undefined ? 'n/a' : v.toFixed(1)), r = (a, c) => (c === undefined ? 'n/a' : `${(a / c).toFixed(2)}×`);
    lines.push(`| ${b} | ${f(m.trainImagesPerSec)} | ${f(pt)} | ${r(m.trainImagesPerSec, pt)} | ${f(m.inferImagesPerSec)} | ${f(pi)} | ${r(m.inferImagesPerSec, pi)} |`);
  }
}
const memory = join(out, 'gpu-memory.csv');
if (existsSync(memory)) {
  const peak = new Map();
  for (const line of readFileSync(memory, 'utf8').split('\n').slice(1)) {
    const [, pid, name, used] = line.split(',').map((s) => s.trim());
    if (!pid || !Number.isFinite(Number(used))) continue;
    const key = `${name} (pid ${pid})`;
    peak.set(key, Math.max(peak.get(key) ?? 0, Number(used)));
  }
  lines.push('', '## GPU memory during the largest batch (nvidia-smi, per process: CUDA context + caching allocator)', '');
  lines.push(...(peak.size ? [...peak].map(([k, v]) => `- ${k}: peak ${v} MiB`) : ['- no per-process samples (nvidia-smi listed no compute processes)']));
}
console.log(lines.join('\n'));
EOF
cat "$summary" | tee -a "$log"
failed=0
for result in "${step_results[@]}"; do [[ "$result" == PASS ]] || failed=1; done
if [[ "$failed" == 1 ]]; then say "FAILED: at least one step failed (summary.md lists which; gpu-check.log has their output)"; exit 1; fi
say "all steps passed; results in $out"
