#!/usr/bin/env bash
# Train the three denoising GANs for the same wall-clock budget each, one after another, then run the bench.
#   bash training/experiments/denoiser_bench.sh [MINUTES=15] [OUT=runs/denoise]
# Resume after a crash: re-run the same command (finished runs are skipped, unfinished ones resume).
set -u
MIN=${1:-15}
OUT=${2:-runs/denoise}
mkdir -p "$OUT"
for v in lstm_dcgan dcgan lstm_gan; do
  run="$OUT/$v"
  if [ -f "$run/final/generator.weights.h5" ]; then echo "$v done"; continue; fi
  if [ -d "$run/checkpoints" ] && ls "$run/checkpoints"/ckpt-* >/dev/null 2>&1; then
    python -m training.denoiser --out "$run" --resume --verbose 2 || exit 1
  else
    python -m training.denoiser --variant "$v" --minutes "$MIN" --epochs 1000 --out "$run" --overwrite --verbose 2 || exit 1
  fi
done
python -m training.evaluate_denoisers "$OUT"/lstm_dcgan "$OUT"/dcgan "$OUT"/lstm_gan --out "$OUT/bench"
