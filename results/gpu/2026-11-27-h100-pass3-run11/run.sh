#!/usr/bin/env bash
# Pass-3 run 11: the final code end to end on the device after host-side changes (per-shape dense calibration written by
# the device's calibrate, activation bytes in gpu-serve-moe, profile print): checks, a short serve, calibrate.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
W=$(mktemp -d)
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $W/env.log
$A gpu-moe-bench --cublas false --tokens 1,128,2048,8192 --check-tokens 1,7,300,2048,4100 --out $W/bench7.json > $W/bench.log 2>&1; echo "bench exit $?" >> $W/bench.log
timeout 120 $A gpu-serve-moe --repeats 1 --out $W/serve7.json > $W/serve.log 2>&1; echo "serve exit $?" >> $W/serve.log
timeout 60 $A gpu-serve-moe --layers 4 --decodes 32 --profile layered --out $W/prof.json >> $W/serve.log 2>&1; echo "profile exit $?" >> $W/serve.log
timeout 150 $A calibrate --out $W/h100.json --details $W/calib-details.json > $W/calib.log 2>&1; echo "calibrate exit $?" >> $W/calib.log
tar -czf $OUT/all.tgz -C $W .
cat $W/bench.log $W/serve.log; tail -16 $W/calib.log; python3 -c "import json; print(json.load(open('$W/h100.json')).get('shaped'))"
