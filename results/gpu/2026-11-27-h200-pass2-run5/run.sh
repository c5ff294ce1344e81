#!/usr/bin/env bash
# Pass-2 run 5: 16-byte view loads (ld.global.v4) vs two 8-byte loads in v4 and v6; v1 and the peers in the same call.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $OUT/env.log
$A gpu-ptx --out $d/ptx > /dev/null 2>&1
for v in grouped_gemm_v4 grouped_gemm_v6; do echo "== $v" >> $OUT/env.log; ptxas -v -arch=sm_90 $d/ptx/$v.ptx -o $d/$v.cubin 2>&1 | grep -E "stack|registers" >> $OUT/env.log; echo "LDG.128 $(cuobjdump -sass $d/$v.cubin | grep -c 'LDG.E.128') LDG.64 $(cuobjdump -sass $d/$v.cubin | grep -c 'LDG.E.64') LDL/STL $(cuobjdump -sass $d/$v.cubin | grep -cE 'LDL|STL')" >> $OUT/env.log; done
cat $OUT/env.log
run() { $A gpu-moe-bench --cublas false "$@" 2>&1 | tee -a $OUT/bench.log; echo "exit $? for $*" | tee -a $OUT/bench.log; }
run --kernel 1 --out $OUT/bench1.json
run --kernel 4 --out $OUT/bench4.json
run --kernel 4 --wide-loads true --out $OUT/bench4w.json
run --kernel 6 --v4-max-tokens 0 --wide-loads true --out $OUT/bench6w.json
python3 moe_layer_peer.py --tokens 1,8,32,128,512,2048,8192 2>&1 | tee $OUT/peer.log
grep -E "^ +[0-9]+ +[0-9]+ |exit|kernel v" $OUT/bench.log
