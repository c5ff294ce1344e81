#!/usr/bin/env bash
# Pass-3 run 13: run 10 again (final code), asking for an H200;
# kernel 4 (v1 at large T) and the peers in the same call; serve with kernel 7 and adaptive G; ncu; calibrate.
set -o pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/cuda/bin PYTHONUNBUFFERED=1
d=$(mktemp -d); tar -xJf app.tar.xz -C $d; A=$d/layered-prefill
W=$(mktemp -d)
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.current.sm,clocks.current.memory,power.draw --format=csv; } > $W/env.log
$A gpu-ptx --out $W/ptx > /dev/null
for k in grouped_gemm grouped_gemm_v4 grouped_gemm_v7; do
  ptxas -arch=sm_90 -v $W/ptx/$k.ptx -o /tmp/$k.cubin 2>&1 | sed "s/^/$k: /"
  cuobjdump -sass /tmp/$k.cubin | grep -cE "LDL|STL" | sed "s/^/$k LDL+STL: /"
done > $W/ptxas.log 2>&1
cat $W/ptxas.log
T=1,2,4,8,16,32,64,128,256,512,1024,2048,4096,8192
B() { echo "== $*" >> $W/bench.log; $A gpu-moe-bench "$@" >> $W/bench.log 2>&1; echo "exit $?" >> $W/bench.log; }
B --kernel 7 --cublas true --tokens $T --check-tokens 1,3,7,64,300,600,2048,4100 --out $W/bench7.json
B --kernel 4 --cublas false --tokens 1,8,32,128,512,2048,8192 --check-tokens 300 --out $W/bench4.json
python3 moe_layer_peer.py --tokens 1,8,32,128,512,2048,8192 > $W/peer.log 2>&1
timeout 200 $A gpu-serve-moe --kernel 7 --out $W/serve7.json > $W/serve.log 2>&1; echo "serve exit $?" >> $W/serve.log
for p in chunked layered; do
  timeout 60 ncu --clock-control none --profile-from-start off --metrics dram__bytes_read.sum \
    $A gpu-serve-moe --kernel 7 --layers 4 --decodes 32 --profile $p --out $W/prof-$p.json > $W/ncu-$p.log 2>&1
done
timeout 150 $A calibrate --kernel 7 --out $W/h100.json --details $W/calib-details.json > $W/calib.log 2>&1; echo "calibrate exit $?" >> $W/calib.log
tar -czf $OUT/all.tgz -C $W .
cp $W/bench.log $W/peer.log $W/serve.log $W/calib.log $OUT/
grep -E "^== |^ +[0-9]+ +[0-9]+ |check|exit" $W/bench.log; cat $W/peer.log $W/serve.log; tail -12 $W/calib.log; grep -E "dram__bytes|bytes" $W/ncu-*.log | tail -12
