#!/usr/bin/env bash
# The reconstructor experiments of the README's results table, run one after another on the CPU.
# Every run is resumable: rerunning this script continues unfinished runs (--resume) and skips
# finished ones. Data: the shared development copies (../shared/data); caches in runs/cache.
#   bash training/experiments/reconstructor.sh            # all
#   bash training/experiments/reconstructor.sh unet1d-all # one
set -uo pipefail
cd "$(dirname "$0")/../.."
export ECGTF_DATA="${ECGTF_DATA:-$(cd .. && pwd)/shared/data}"
export ECGTF_CACHE="${ECGTF_CACHE:-runs/cache}"
SCHED="--epochs 25 --steps-per-epoch 150 --jit-compile --verbose 2"

train() {  # name, args...
  local name=$1; shift
  if [ -f "runs/$name/final/reconstructor.weights.h5" ]; then echo "== $name: done"; return; fi
  if [ -f "runs/$name/config.json" ]; then
    echo "== $name: resuming"; python -m ecgtf train unet1d --out "runs/$name" --resume --verbose 2
  else
    echo "== $name: starting"; python -m ecgtf train unet1d --out "runs/$name" "$@"
  fi
}

want() { [ $# -eq 0 ] || [[ " $* " == *" $1 "* ]]; }
ONLY="${*:-}"
run_if() { local name=$1; shift; if [ -z "$ONLY" ] || [[ " $ONLY " == *" $name "* ]]; then train "$name" "$@"; fi; }

run_if unet1d-all $SCHED                                            # every real source (default)
run_if unet1d-ptbxl $SCHED --sources ptb-xl:1                        # PTB-XL mV only (data ablation)
run_if unet1d-ptbxl-z $SCHED --sources ptb-xl:1,ptb-xl-zscore:1      # + z-scored shapes
run_if unet1d-synth --epochs 10 --steps-per-epoch 150 --jit-compile --verbose 2 --sources synthetic:1 --n-synthetic 3000
run_if unet1d-synth-ft $SCHED --init-from runs/unet1d-synth          # synthetic pretraining → all real
