#!/usr/bin/env bash
# Pass-2 device call: ptxas report, checks + timings of v1, v4, v5 and the peers in one call.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $OUT/env.log
$A gpu-ptx --out $d/ptx >> $OUT/env.log 2>&1
for v in grouped_gemm grouped_gemm_v4 grouped_gemm_v6; do
  echo "== $v" >> $OUT/env.log
  ptxas -v -arch=sm_90 $d/ptx/$v.ptx -o $d/$v.cubin >> $OUT/env.log 2>&1
  echo "$v SASS LDL/STL: $(cuobjdump -sass $d/$v.cubin | grep -cE 'LDL|STL') HMMA: $(cuobjdump -sass $d/$v.cubin | grep -c HMMA) LDG.128: $(cuobjdump -sass $d/$v.cubin | grep -c 'LDG.E.128') LDG.64: $(cuobjdump -sass $d/$v.cubin | grep -c 'LDG.E.64')" >> $OUT/env.log
done
tail -30 $OUT/env.log
for spec in "1 2147483647" "6 2147483647" "6 0"; do
  set -- $spec
  $A gpu-moe-bench --kernel $1 --v4-max-tokens $2 --cublas false --out $OUT/bench$1_$2.json 2>&1 | tee -a $OUT/bench.log
  echo "kernel $1 exit $?" | tee -a $OUT/bench.log
done
python3 moe_layer_peer.py --tokens 1,8,32,128,512,2048,8192 2>&1 | tee $OUT/peer.log
grep -E "^ +[0-9]+ +[0-9]+ " $OUT/bench.log
