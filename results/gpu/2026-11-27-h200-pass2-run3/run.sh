#!/usr/bin/env bash
# Pass-2 run 3: the new default (kernel 4: v4 for 4-128 tokens, v1 otherwise) vs v1 vs the peers, then gpu-serve-moe with it.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $OUT/env.log
for k in 1 4; do
  $A gpu-moe-bench --kernel $k --cublas false --out $OUT/bench$k.json 2>&1 | tee -a $OUT/bench.log
  echo "kernel $k exit $?" | tee -a $OUT/bench.log
done
python3 moe_layer_peer.py --tokens 1,8,32,128,512,2048,8192 2>&1 | tee $OUT/peer.log
timeout 300 $A gpu-serve-moe --kernel 4 --out $OUT/serve4.json 2>&1 | tee $OUT/serve.log
echo "serve exit $?"
grep -E "^ +[0-9]+ +[0-9]+ " $OUT/bench.log
