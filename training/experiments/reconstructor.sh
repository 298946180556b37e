#!/usr/bin/env bash
# The reconstructor experiments of the README's results table, run one after another on the CPU.
# Every run is resumable: rerunning this script continues unfinished runs (--resume) and skips
# finished ones. Data: the shared development copies (../shared/data); caches in runs/cache.
#   bash training/experiments/reconstructor.sh                 # all, in order
#   bash training/experiments/reconstructor.sh unet1d-ptbxl    # only the named ones
# Then: python -m training.evaluate_reconstructors runs/<name> … (see README, results section)
set -uo pipefail
cd "$(dirname "$0")/../.."
export ECGTF_DATA="${ECGTF_DATA:-$(cd .. && pwd)/shared/data}"
export ECGTF_CACHE="${ECGTF_CACHE:-runs/cache}"
SCHED="--epochs 25 --steps-per-epoch 150 --jit-compile --verbose 2"
SHORT="--epochs 12 --steps-per-epoch 150 --jit-compile --verbose 2"
ONLY="${*:-}"

train() {  # model, run name, args...
  local model=$1 name=$2; shift 2
  if [ -f "runs/$name/metrics.json" ]; then echo "== $name: done"; return; fi
  if [ -f "runs/$name/config.json" ]; then
    echo "== $name: resuming"; python -m ecgtf train "$model" --out "runs/$name" --resume --verbose 2
  else
    echo "== $name: starting"; python -m ecgtf train "$model" --out "runs/$name" "$@"
  fi
}
run_if() { local name=$2; if [ -z "$ONLY" ] || [[ " $ONLY " == *" $name "* ]]; then train "$@"; fi; }

run_if unet1d unet1d-all $SCHED                                    # every real source (the default mix)
run_if unet1d unet1d-mv --epochs 20 --steps-per-epoch 150 --jit-compile --verbose 2 --lambda-mv 1  # + L1 in mV
run_if ekgan ekgan-ptbxl --data ptb-xl --epochs 40 --verbose 2       # the paper recipe (per-lead min-max)
run_if unet1d unet1d-ptbxl $SHORT --sources ptb-xl:1                 # PTB-XL mV only (data ablation)
run_if unet1d unet1d-all-synth $SHORT --sources synthetic:0.5,ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1
# EKGAN-Lite for watches (issue 11): a width-0.5 student distilled from the shipped preset, with synthetic windows
run_if unet1d unet1d-lite --teacher unet1d_12lead --width 0.5 --epochs 40 --steps-per-epoch 150 --verbose 2 \
    --sources ptb-xl:1,ptb-xl-zscore:1,cinc2011:0.5,cinc2021:1,synthetic:1
