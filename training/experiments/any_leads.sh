#!/usr/bin/env bash
# Issue 30: the shipped presets retrained to take any leads (lead channels + presence mask), fine-tuned from
# today's Lead I presets (widened: they start computing exactly the Lead I function). Resumable: rerun the same
# command after a crash, a kill or the end of a session (finished runs are skipped).
#   ECGTF_DATA=../shared/data bash training/experiments/any_leads.sh [full|lite|both|more|mix]
# Runs land in $RUNS (default runs/). The full ensemble (2 x 2.5 M parameters) takes ~4 min per epoch here.
set -euo pipefail
what=${1:-both}
data=${ECGTF_DATA:-../shared/data}
RUNS=${RUNS:-runs}
run() {  # run OUT ARGS...: new run, or resume an unfinished one, or skip a finished one
  local out=$1; shift
  if [ -f "$out/metrics.json" ]; then echo "$out finished"; return; fi
  if [ -f "$out/config.json" ]; then python -m ecgtf train unet1d --out "$out" --resume --data-dir "$data"
  else python -m ecgtf train unet1d --out "$out" --data-dir "$data" "$@"; fi
}
if [ "$what" = full ] || [ "$what" = both ]; then
  run $RUNS/unet1d-any --any-leads --members 2 --init-from unet1d_12lead --epochs 12 --steps-per-epoch 150 \
      --lr 3e-4 --jit-compile
fi
if [ "$what" = lite ] || [ "$what" = both ]; then
  # step 1 (Lead I teacher: keeps Lead I accuracy, learns little from other leads: +0.007 r with I+II on validation)
  run $RUNS/unet1d-any-lite --any-leads --width 0.5 --init-from unet1d_lite --teacher unet1d_12lead \
      --data ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1,synthetic:1 --epochs 12 --steps-per-epoch 150 --lr 3e-4
fi
if [ "$what" = more ]; then
  # step 2: the full run's first 12 epochs frozen as the teacher of the Lite (any leads: the teacher sees the same
  # leads), while the full run goes on to 22 epochs (a warm restart of its cosine schedule)
  [ -d $RUNS/unet1d-any-12 ] || cp -r $RUNS/unet1d-any $RUNS/unet1d-any-12
  python -m ecgtf train unet1d --out $RUNS/unet1d-any --resume --epochs 22 --data-dir "$data" &
  run $RUNS/unet1d-any-lite2 --any-leads --width 0.5 --init-from $RUNS/unet1d-any-lite --teacher $RUNS/unet1d-any-12 \
      --data ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1,synthetic:1 --epochs 16 --steps-per-epoch 150 --lr 5e-4
  wait
fi
if [ "$what" = mix ]; then
  # step 3 (what ships): a linear path from the given leads (each z-scored by its own std, 33 taps) to the shapes,
  # zero-initialised; step 2 had learnt amplitudes from the other leads but hardly their shapes (I+V2: other chest r
  # as the Lead I preset's on validation). Both runs at once (~1 core each).
  run $RUNS/unet1d-any-mix --any-leads --lead-mix 33 --members 2 --init-from $RUNS/unet1d-any --epochs 10 \
      --steps-per-epoch 150 --lr 5e-4 --jit-compile &
  run $RUNS/unet1d-any-mix-lite --any-leads --lead-mix 33 --width 0.5 --init-from $RUNS/unet1d-any-lite \
      --teacher unet1d_12lead --data ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1,synthetic:1 --epochs 12 \
      --steps-per-epoch 150 --lr 5e-4
  wait
fi
