#!/usr/bin/env bash
# The beat bench's second pass: four of the models that learned something in 3 minutes, trained for a
# fixed number of steps (so the result does not depend on how busy the machine was), then evaluated.
#
#   ECGTF_DATA=/path/to/data bash training/experiments/beat_bench_long.sh [OUT]
set -euo pipefail
OUT=${1:-runs/beat-bench-long}
mkdir -p "$OUT"
export ECGTF_NO_PROGRESS=1
MODELS=(  # name variant epochs (× 100 steps of 64 beats)
  "normal_beat_gans classic_gan 250" "normal_beat_gans dcgan 12" "conditional_beat_gan lstm_fcn 8"
  "wavenet_gan wavenet 6"
)
for m in "${MODELS[@]}"; do
  set -- $m
  run="$OUT/$1-$2"
  if [ -f "$run/metrics.json" ]; then echo "done: $run"; continue; fi
  extra=()
  [ -f "$run/config.json" ] && extra=(--resume)
  echo "== $(date +%T) training $1 --variant $2 for $3 epochs -> $run"
  python -m "training.$1" --variant "$2" --epochs "$3" --steps-per-epoch 100 --batch-size 64 --out "$run" \
    --verbose 0 "${extra[@]}"
done
echo "== $(date +%T) evaluating"
python -m training.evaluate_beat_generators "$OUT" --out "$OUT/bench"
