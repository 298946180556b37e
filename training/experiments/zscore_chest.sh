#!/usr/bin/env bash
# Session 19: do the z-scored PTB-XL records (1,783, shape only) help Lead I + a chest lead? Until now they trained
# Lead I only (no amplitudes to give); with --zscore-chest they also get given chest leads scaled to typical
# amplitudes. Two fine-tunes of the shipped Lite's run (runs/clean-lite) with its teacher (the session-16 Lead I
# ensemble, runs/preset-12lead-s16) and its data, side by side: with the flag (zchest) and without (ctrl, the
# control: same epochs and learning rate). Then each gets its ridge blend and the validation table (PTB-XL fold 9).
# The flag exists only in commit 37f99a6 (removed after this measurement: no gain); run this there.
# Resumable: rerun the same command (finished steps are skipped).
#   ECGTF_DATA=../shared/data bash training/experiments/zscore_chest.sh [zchest|ctrl]
set -euo pipefail
what=${1:-zchest}
data=${ECGTF_DATA:-../shared/data}
RUNS=${RUNS:-runs}
SOURCES=ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1,synthetic:1
case "$what" in
  zchest) flag=--zscore-chest ;;
  ctrl) flag= ;;
  *) echo "usage: zscore_chest.sh zchest|ctrl" >&2; exit 2 ;;
esac
out=$RUNS/$what-lite
if [ ! -f "$out/metrics.json" ]; then
  if [ -f "$out/config.json" ]; then python -m ecgtf train unet1d --out "$out" --resume --data-dir "$data" --verbose 2
  else python -m ecgtf train unet1d --out "$out" --data-dir "$data" --verbose 2 --any-leads --lead-mix 33 --width 0.5 \
      --init-from $RUNS/clean-lite --teacher $RUNS/preset-12lead-s16 --data $SOURCES --epochs 12 --steps-per-epoch 150 \
      --lr 3e-4 $flag; fi
fi
[ -d $out-ridge ] || python -m training.ridge_blend --run $out --out $out-ridge --data-dir "$data"
[ -d $RUNS/eval-$what-val ] || python -m training.evaluate_reconstructors $out-ridge --preset unet1d_lite --sets ptb-xl-val \
  --inputs I --inputs I,V2 --data-dir "$data" --out $RUNS/eval-$what-val
