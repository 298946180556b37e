#!/usr/bin/env bash
# Issue 30: the shipped presets retrained to take any leads (lead channels + presence mask), fine-tuned from
# today's Lead I presets (widened: they start computing exactly the Lead I function). Resumable: rerun the same
# command after a crash, a kill or the end of a session (finished runs are skipped).
#   ECGTF_DATA=../shared/data bash training/experiments/any_leads.sh [full|lite|both]
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
  run $RUNS/unet1d-any-lite --any-leads --width 0.5 --init-from unet1d_lite --teacher unet1d_12lead \
      --data ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1,synthetic:1 --epochs 12 --steps-per-epoch 150 --lr 3e-4
fi
