#!/usr/bin/env bash
# The MIT-BIH beat-generator bench (issue 13): train every model for the same wall-clock budget on
# this CPU, then evaluate all of them on the held-out DS2 records with one command.
#
#   ECGTF_DATA=/path/to/data bash training/experiments/beat_bench.sh [MINUTES] [OUT]
#
# Every model uses its paper's window, architecture and optimiser; for an equal budget all use
# batch 64 and 100 steps per epoch (the papers' batch sizes differ: 9, 50, 64). Runs resume
# (--resume) if OUT already holds them, so a killed bench continues where it stopped.
set -euo pipefail
MINUTES=${1:-3}
OUT=${2:-runs/beat-bench}
mkdir -p "$OUT"
export ECGTF_NO_PROGRESS=1
MODELS=(
  "bilstm_cnn_gan gan" "bilstm_cnn_gan rnn_ae" "bilstm_cnn_gan rnn_vae" "bilstm_cnn_gan lstm_ae"
  "bilstm_cnn_gan lstm_vae" "bilstm_cnn_gan ecggan"
  "lstm_cnn_gans lstm_cnn" "lstm_cnn_gans bilstm_cnn" "lstm_cnn_gans lstm_lstm" "lstm_cnn_gans bilstm_lstm"
  "normal_beat_gans classic_gan" "normal_beat_gans dcgan" "normal_beat_gans bilstm_dcgan" "normal_beat_gans aae"
  "normal_beat_gans wgan"
  "conditional_beat_gan lstm_fcn"
  "wavenet_gan wavenet" "wavenet_gan gan"
)
for m in "${MODELS[@]}"; do
  set -- $m
  run="$OUT/$1-$2"
  if [ -f "$run/metrics.json" ]; then echo "done: $run"; continue; fi
  extra=()
  [ -f "$run/config.json" ] && extra=(--resume)
  echo "== $(date +%T) training $1 --variant $2 for $MINUTES min -> $run"
  python -m "training.$1" --variant "$2" --epochs 1000 --steps-per-epoch 100 --batch-size 64 \
    --minutes "$MINUTES" --out "$run" --verbose 0 "${extra[@]}"
done
echo "== $(date +%T) evaluating"
python -m training.evaluate_beat_generators "$OUT"/*/ --out "$OUT/bench"
