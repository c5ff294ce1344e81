#!/usr/bin/env bash
# Pass-3 run 1: v7 (32x64 warp tiles, double-buffered smem, one barrier per slice) for large batches,
# L2 prefetch in v4/v7, v7 at small batches; v1/v4 and the peers in the same call; serve with kernel 7.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $OUT/env.log
$A gpu-ptx --out $OUT/ptx > /dev/null
for k in grouped_gemm grouped_gemm_v4 grouped_gemm_v7; do
  ptxas -arch=sm_90 -v $OUT/ptx/$k.ptx -o /tmp/$k.cubin 2>&1 | sed "s/^/$k: /"
  cuobjdump -sass /tmp/$k.cubin | grep -cE "LDL|STL" | sed "s/^/$k LDL+STL: /"
done 2>&1 | tee $OUT/ptxas.log
T=1,8,32,128,256,512,1024,2048,4096,8192
B() { echo "== $*" | tee -a $OUT/bench.log; $A gpu-moe-bench --cublas false "$@" 2>&1 | tee -a $OUT/bench.log; echo "exit $?" | tee -a $OUT/bench.log; }
B --kernel 7 --tokens $T --check-tokens 1,7,64,300,600,2048 --out $OUT/bench7.json
B --kernel 4 --tokens $T --check-tokens 300 --out $OUT/bench4.json
B --kernel 7 --prefetch-slices 4 --tokens $T --check-tokens 300,2048 --out $OUT/bench7p4.json
B --kernel 7 --prefetch-slices 8 --tokens 8,32,128,512,2048,8192 --check-tokens 64 --out $OUT/bench7p8.json
B --kernel 7 --v7-min-tokens 1 --tokens 1,8,32,128 --check-tokens 7,64 --out $OUT/bench7all.json
python3 moe_layer_peer.py --tokens 1,8,32,128,512,2048,8192 2>&1 | tee $OUT/peer.log
timeout 240 $A gpu-serve-moe --kernel 7 --out $OUT/serve7.json 2>&1 | tee $OUT/serve.log
echo "serve exit $?"
grep -E "^== |^ +[0-9]+ +[0-9]+ |check" $OUT/bench.log
