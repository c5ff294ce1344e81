#!/usr/bin/env bash
# Pass-3 run 12: calibrate (kernel 7) with the dense grid swept 3 times (median per point), then the whole-iteration check
# needs a serve on the same card: a short serve too.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
W=$(mktemp -d)
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $W/env.log
timeout 240 $A calibrate --out $W/h100.json --details $W/calib-details.json > $W/calib.log 2>&1; echo "calibrate exit $?" >> $W/calib.log
timeout 200 $A gpu-serve-moe --out $W/serve7.json > $W/serve.log 2>&1; echo "serve exit $?" >> $W/serve.log
$A calibration-check --profile $W/h100.json --serve $W/serve7.json --out $W/calibration-check.json > $W/check.log 2>&1
tar -czf $OUT/all.tgz -C $W .
cat $W/calib.log | tail -40; cat $W/serve.log $W/check.log
