#!/usr/bin/env bash
# The GPU measurements, on a machine with an NVIDIA GPU and no .NET, from the archive scripts/gpu/pack.sh makes.
#   scripts/gpu/run.sh OUT_DIR STAGE...     stages run in the order given; each writes its log and JSON under OUT_DIR
# Stages:
#   env        card, driver, clocks, date (env.log)
#   selftest   every GPU kernel vs float64 on fresh inputs, schedule invariance at full size (selftest.log)
#   decode     decode-only steps at 1/32/128 against the card's read bandwidth (decode.json)
#   moe        one Qwen3-30B-A3B MoE layer at T = 1..8192: our kernels and cuBLAS (moe.json), then the peers in the same
#              run (peers.log; needs moe_layer_peer.py beside the archive and PyTorch/Triton)
#   serve      chunked-512 vs layered over SERVE_REQUESTS (default 110: ~100 after the prompts over 32768 tokens are dropped)
#              requests of arxiv-long at SERVE_RATE req/s (default 1.0) on the GPU executor, KV pool SERVE_KV_BLOCKS (default
#              40000 blocks of 16 tokens; pass the same to the simulator to replay it) (measured.json, the `compare` format)
#   join       one 8192-token prompt alone and joining 32 / 128 running decodes, chunked vs layered (join-D.json)
#   bdn        the BenchmarkDotNet GPU suite (category Gpu), in process (bdn/)
#   calibrate  every iteration of the calibration scenarios (calibration-samples.json) and the DeviceProfile fitted to them
#              (profile.json, calibration-report.json); `calibrate --refit-from` refits the samples without a GPU
# Environment: APP (default .gpu/app.tar.xz), APP_DIR (an unpacked one), PEERS (default .gpu/moe_layer_peer.py), STAGE_TIMEOUT_<stage>.
set -uo pipefail
stages="env selftest decode moe serve join bdn calibrate"
out=${1:?usage: run.sh OUT_DIR STAGE...}; shift
# Every stage name and bound is checked before the first stage runs: a typo must not cost the device time of the stages before it.
for s in "$@"; do
  [[ " $stages " == *" $s "* ]] || { echo "error: unknown stage '$s' (stages: $stages)" >&2; exit 2; }
  limit_var="STAGE_TIMEOUT_$s"
  [[ "${!limit_var:-0}" =~ ^[0-9]+$ ]] || { echo "error: $limit_var must be whole seconds (got '${!limit_var}')" >&2; exit 2; }
done
mkdir -p "$out" && out=$(cd "$out" && pwd)
app=${APP:-.gpu/app.tar.xz}
peers=${PEERS:-.gpu/moe_layer_peer.py}
# APP_DIR: an already unpacked archive (several calls of this script then unpack it once).
if [[ -n "${APP_DIR:-}" && -x "${APP_DIR}/layered-prefill" ]]; then d=$(cd "$APP_DIR" && pwd); else d=$(mktemp -d); tar -xJf "$app" -C "$d"; fi
A=$d/layered-prefill
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
stage() { echo "== $1 $(date -u +%H:%M:%S)"; }
# STAGE_TIMEOUT_<stage> (seconds) bounds each command of a stage (timeout(1), then SIGKILL 10 s later), so that one
# overrun cannot take the stages after it.
for s in "$@"; do
  stage "$s"
  limit_var="STAGE_TIMEOUT_$s"
  limit=${!limit_var:-0}
  T=()
  ((limit > 0)) && T=(timeout -k 10 "$limit")
  case "$s" in
    env) { date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } | tee "$out/env.log" ;;
    selftest) "${T[@]}" $A selftest --backend ilgpu-cuda 2>&1 | tee "$out/selftest.log" ;;
    decode) "${T[@]}" $A decode-bench --decodes 1,32,128 --context-tokens 2048 --repeats 20 --output "$out/decode.json" 2>&1 | tee "$out/decode.log" ;;
    moe)
      "${T[@]}" $A gpu-moe-bench --cublas --tokens 1,8,32,128,512,2048,8192 --check-tokens 1,7,300,2048,4100 --output "$out/moe.json" 2>&1 | tee "$out/moe.log"
      "${T[@]}" python3 "$peers" --tokens 1,8,32,128,512,2048,8192 2>&1 | tee "$out/peers.log" ;;
    serve) "${T[@]}" $A compare --executor kernels --backend ilgpu-cuda --model qwen3-30b-a3b --trace arxiv-long --requests "${SERVE_REQUESTS:-110}" \
             --rate "${SERVE_RATE:-1.0}" --kv-blocks "${SERVE_KV_BLOCKS:-40000}" --policies chunked,layered --timelines --iteration-log \
             --output "$out/measured.json" 2>&1 | tee "$out/serve.log" ;;
    join)
      for n in ${JOIN_DECODES:-0 32 128}; do
        "${T[@]}" $A compare --executor kernels --backend ilgpu-cuda --model qwen3-30b-a3b --join-decodes "$n" --prompt-tokens 8192 \
          --policies chunked,layered --timelines --output "$out/join-$n.json" 2>&1 | tee "$out/join-$n.log"
      done ;;
    bdn) (cd "$out" && "${T[@]}" "$d/LayeredPrefill.Benchmarks" --filter '*GpuPrefill*' --artifacts "$out/bdn" 2>&1 | tee "$out/bdn.log") ;;
    calibrate) "${T[@]}" $A calibrate --output "$out/profile.json" --samples-output "$out/calibration-samples.json" \
                 --details-output "$out/calibration-report.json" 2>&1 | tee "$out/calibrate.log" ;;
  esac
  rc=$?
  ((rc == 124 || rc == 137)) && echo "== $s stopped at its ${limit} s bound (exit code $rc)"
done
