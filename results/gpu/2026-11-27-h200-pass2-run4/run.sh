#!/usr/bin/env bash
# Pass-2 run 4: rotated K order (each block starts at its own slice) for v4 and v6, vs unrotated, and the peers.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $OUT/env.log
run() { $A gpu-moe-bench --cublas false "$@" 2>&1 | tee -a $OUT/bench.log; echo "exit $? for $*" | tee -a $OUT/bench.log; }
run --kernel 4 --out $OUT/bench4.json
run --kernel 4 --rotate-k true --out $OUT/bench4r.json
run --kernel 6 --v4-max-tokens 0 --rotate-k true --out $OUT/bench6r.json
python3 moe_layer_peer.py --tokens 1,8,32,128,512,2048,8192 2>&1 | tee $OUT/peer.log
grep -E "^ +[0-9]+ +[0-9]+ |exit|kernel v" $OUT/bench.log
