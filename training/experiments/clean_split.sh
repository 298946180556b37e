#!/usr/bin/env bash
# Session 17: the presets retrained on the clean splits (commit 9b4a3c8): the 19 cross-session PTB-XL patients and the
# held-out half of CinC 2021 never trained on, CinC 2011 with aVL/aVF the right way round, any leads + lead mix.
# Resumable: rerun the same command after a crash, a kill or the end of a session (finished runs are skipped).
#   ECGTF_DATA=../shared/data bash training/experiments/clean_split.sh [lite|full|lite2|lite3]
# lite:  the Lite from scratch (random weights), distilled from today's unet1d_12lead (a Lead I teacher, matched on
#        Lead-I-only windows only; note the teacher itself saw the held-out records), 40 epochs (~1 min/epoch here).
# full:  the full any-leads ensemble (2 x 2.4 M) from scratch, no teacher, 25 epochs (~2.6-4.5 min/epoch here).
# lite2: the Lite from scratch distilled from `full` (an any-leads teacher that never saw the held-out records).
# lite3: lite2 with 60 epochs (session 18, for a fully clean chain), then its ridge blend and the validation table
#        against the shipped Lite (ptb-xl-val: model selection only).
set -euo pipefail
what=${1:-lite}
data=${ECGTF_DATA:-../shared/data}
RUNS=${RUNS:-runs}
SOURCES=ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1
run() {  # run OUT ARGS...: new run, or resume an unfinished one, or skip a finished one
  local out=$1; shift
  if [ -f "$out/metrics.json" ]; then echo "$out finished"; return; fi
  if [ -f "$out/config.json" ]; then python -m ecgtf train unet1d --out "$out" --resume --data-dir "$data" --verbose 2
  else python -m ecgtf train unet1d --out "$out" --data-dir "$data" --verbose 2 "$@"; fi
}
case "$what" in
  lite)
    run $RUNS/clean-lite --any-leads --lead-mix 33 --width 0.5 --teacher unet1d_12lead --data $SOURCES,synthetic:1 \
        --epochs 40 --steps-per-epoch 150 --lr 1e-3 ;;
  full)
    run $RUNS/clean-full --any-leads --lead-mix 33 --members 2 --data $SOURCES --epochs 25 --steps-per-epoch 150 \
        --lr 1e-3 --jit-compile ;;
  lite2)
    run $RUNS/clean-lite2 --any-leads --lead-mix 33 --width 0.5 --teacher $RUNS/clean-full --data $SOURCES,synthetic:1 \
        --epochs 40 --steps-per-epoch 150 --lr 1e-3 ;;
  lite3)
    run $RUNS/clean-lite3 --any-leads --lead-mix 33 --width 0.5 --teacher $RUNS/clean-full --data $SOURCES,synthetic:1 \
        --epochs 60 --steps-per-epoch 150 --lr 1e-3
    [ -d $RUNS/clean-lite3-ridge ] || python -m training.ridge_blend --run $RUNS/clean-lite3 --out $RUNS/clean-lite3-ridge \
        --data-dir "$data"
    python -m training.evaluate_reconstructors $RUNS/clean-lite3-ridge --preset unet1d_lite --sets ptb-xl-val \
      --inputs I --inputs I,II --inputs I,V2 --inputs I,II,V2 --data-dir "$data" --out $RUNS/eval-lite3-val ;;
  *) echo "usage: clean_split.sh lite|full|lite2|lite3" >&2; exit 2 ;;
esac
