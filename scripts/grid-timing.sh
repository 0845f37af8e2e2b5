#!/bin/bash
# Usage: bash scripts/grid-timing.sh (from a checkout with redis-server installed; writes /tmp/g1..g3)
# 20NG grid (K=20,50; seeds 0,1; 10 epochs) timed three ways on this machine
set -u
cd "$(dirname "$0")/.."
T="node scripts/topickd.mjs"
ARGS="experiment --dataset 20ng --topics 20,50 --seeds 0,1 --epochs 10 --json --quiet"
rm -rf /tmp/g1 /tmp/g2 /tmp/g3
s=$(date +%s.%N); $T $ARGS --jobs 1 --out /tmp/g1 > /tmp/g1.json; e=$(date +%s.%N); echo "jobs1 $(echo "$e - $s" | bc)"
s=$(date +%s.%N); $T $ARGS --jobs 2 --out /tmp/g2 > /tmp/g2.json; e=$(date +%s.%N); echo "jobs2 $(echo "$e - $s" | bc)"
PORT=6499
redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --logfile /tmp/redis-timing.log
sleep 1
$T worker --queue redis://127.0.0.1:$PORT > /tmp/w1.log 2>&1 &
W1=$!
$T worker --queue redis://127.0.0.1:$PORT > /tmp/w2.log 2>&1 &
W2=$!
sleep 3
s=$(date +%s.%N); $T $ARGS --queue redis://127.0.0.1:$PORT --out /tmp/g3 > /tmp/g3.json; e=$(date +%s.%N); echo "queue2 $(echo "$e - $s" | bc)"
kill -TERM $W1 $W2; wait $W1 $W2 2>/dev/null
redis-cli -p $PORT shutdown nosave >/dev/null 2>&1
python3 - <<'PY'
import json
runs=[json.load(open(f'/tmp/{g}/results.json')) for g in ('g1','g2','g3')]
strip=lambda d: sorted([(r['K'],r['seed'],r['role'],r['model'],round(r['npmi'],10)) for r in d['runs']])
print('same runs:', strip(runs[0])==strip(runs[1])==strip(runs[2]), [d['totalSeconds'] for d in runs])
PY
