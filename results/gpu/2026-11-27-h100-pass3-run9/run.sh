#!/usr/bin/env bash
# Pass-3 run 9: v7 launch order, tiles-first (default) vs columns-first (blocks sharing a tile's rows together), bracketed.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $OUT/env.log
B() { echo "== $*" >> $OUT/bench.log; $A gpu-moe-bench --cublas false "$@" >> $OUT/bench.log 2>&1; echo "exit $?" >> $OUT/bench.log; }
T=1,8,128,512,1024,2048,4096,8192
B --kernel 7 --grid tiles --tokens $T --check-tokens 2048 --out $OUT/tiles1.json
B --kernel 7 --grid columns --tokens $T --check-tokens 1,7,300,2048,4100 --out $OUT/columns.json
B --kernel 7 --grid tiles --tokens $T --check-tokens 300 --out $OUT/tiles2.json
python3 moe_layer_peer.py --tokens 1,8,128,512,2048,8192 > $OUT/peer.log 2>&1
grep -E "^== |^ +[0-9]+ +[0-9]+ |check|exit" $OUT/bench.log; cat $OUT/peer.log
