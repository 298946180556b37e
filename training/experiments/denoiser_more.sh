#!/usr/bin/env bash
# Second denoiser pass (after denoiser_bench.sh): does more training or residual learning close the gap?
#   bash training/experiments/denoiser_more.sh [OUT=runs/denoise]
# 1. lstm_dcgan_residual: the paper's LSTM-DCGAN with a residual output (ours), 20 min;
# 2. lstm_dcgan_long: a copy of the 15-min lstm_dcgan run resumed for 20 more minutes (35 in all).
# Re-run after a crash: finished runs are skipped, unfinished ones resume.
set -u
OUT=${1:-runs/denoise}
run="$OUT/lstm_dcgan_residual"
if [ ! -f "$run/final/generator.weights.h5" ]; then
  if ls "$run/checkpoints"/ckpt-* >/dev/null 2>&1; then
    python -m training.denoiser --out "$run" --resume --verbose 2 || exit 1
  else
    python -m training.denoiser --variant lstm_dcgan --residual --minutes 20 --epochs 1000 --out "$run" --overwrite \
      --verbose 2 || exit 1
  fi
fi
long="$OUT/lstm_dcgan_long"
[ -d "$long" ] || cp -r "$OUT/lstm_dcgan" "$long"
if [ ! -f "$long/.extended" ]; then
  python -m training.denoiser --out "$long" --resume --minutes 20 --verbose 2 && touch "$long/.extended"
fi
