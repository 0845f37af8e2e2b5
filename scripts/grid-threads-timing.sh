#!/bin/bash
# Usage: bash scripts/grid-threads-timing.sh [backend]   (writes /tmp/gt0, /tmp/gt1, /tmp/gt2)
# The 20NG grid (K=20,50; seeds 0,1; 10 epochs) as one process on one thread (--jobs 1
# --threads 1), one process on 2 training threads (--jobs 1 --threads 2) and two processes
# on one thread each (--jobs 2 --threads 1).
set -u
cd "$(dirname "$0")/.."
B=${1:-node}
T="node scripts/topickd.mjs"
ARGS="experiment --dataset 20ng --topics 20,50 --seeds 0,1 --epochs 10 --backend $B --json --quiet"
rm -rf /tmp/gt0 /tmp/gt1 /tmp/gt2
s=$(date +%s.%N); $T $ARGS --jobs 1 --threads 1 --out /tmp/gt0 > /tmp/gt0.json; e=$(date +%s.%N); echo "$B jobs1 threads1 $(echo "$e - $s" | bc)"
s=$(date +%s.%N); $T $ARGS --jobs 1 --threads 2 --out /tmp/gt1 > /tmp/gt1.json; e=$(date +%s.%N); echo "$B jobs1 threads2 $(echo "$e - $s" | bc)"
s=$(date +%s.%N); $T $ARGS --jobs 2 --threads 1 --out /tmp/gt2 > /tmp/gt2.json; e=$(date +%s.%N); echo "$B jobs2 threads1 $(echo "$e - $s" | bc)"
python3 - <<'PY'
import json
runs=[json.load(open(f'/tmp/{g}/results.json')) for g in ('gt0','gt1','gt2')]
npmi=lambda d: sorted([(r['K'],r['seed'],r['role'],r['model'],round(r['npmi'],4)) for r in d['runs']])
print('same runs (NPMI to 4 decimals):', npmi(runs[0])==npmi(runs[1])==npmi(runs[2]), [d['totalSeconds'] for d in runs])
print('training seconds summed:', [round(sum(r['trainSeconds'] for r in d['runs'] if not (r['role']=='teacher' and r['seed']!=d['runs'][0]['seed'])),1) for d in runs])
PY
