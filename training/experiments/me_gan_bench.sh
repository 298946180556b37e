#!/usr/bin/env bash
# Train ME-GAN (width 64: CPU-sized), its three Table 4 ablations and two baselines (conditional DCGAN,
# BiLSTM-CNN GAN) for the same number of steps each (EPOCHS × 200 batches of 16), one after another,
# then run the bench.
#   bash training/experiments/me_gan_bench.sh [EPOCHS=15] [OUT=runs/me_gan]
# Resume after a crash: re-run the same command (finished runs are skipped, unfinished ones resume).
set -u
EPOCHS=${1:-15}
OUT=${2:-runs/me_gan}
mkdir -p "$OUT"
for name in me_gan no_view_discriminator self_modulation no_aux_classifier cdcgan bilstm_cnn; do
  run="$OUT/$name"
  case $name in
    me_gan) flags="" ;;
    cdcgan|bilstm_cnn) flags="--variant $name" ;;
    *) flags="--ablation $name" ;;
  esac
  if [ -f "$run/final/generator.weights.h5" ]; then echo "$name done"; continue; fi
  if [ -d "$run/checkpoints" ] && ls "$run/checkpoints"/ckpt-* >/dev/null 2>&1; then
    python -m training.me_gan --out "$run" --resume --verbose 2 || exit 1
  else
    python -m training.me_gan $flags --width 64 --epochs "$EPOCHS" --out "$run" --overwrite --verbose 2 || exit 1
  fi
done
python -m training.evaluate_me_gan "$OUT"/me_gan "$OUT"/no_view_discriminator "$OUT"/self_modulation \
  "$OUT"/no_aux_classifier "$OUT"/cdcgan "$OUT"/bilstm_cnn --out "$OUT/bench"
