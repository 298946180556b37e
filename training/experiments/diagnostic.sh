#!/usr/bin/env bash
# Issue 17: does a reconstructed 12-lead ECG keep the diagnosis? Trains the classifiers (12 leads and
# Lead I only), the reconstruction baselines (EKGAN paper recipe, Pix2Pix, CycleGAN, CardioGAN), then the
# diagnostic evaluation. Every step is resumable: rerun the script after a crash or the end of a session.
#   bash training/experiments/diagnostic.sh [classifiers|reconstructors|evaluate]...
set -uo pipefail
cd "$(dirname "$0")/../.."
export ECGTF_DATA="${ECGTF_DATA:-$(cd .. && pwd)/shared/data}" ECGTF_NO_PROGRESS=1 PYTHONUNBUFFERED=1
ONLY="${*:-classifiers reconstructors evaluate}"
CPU="--fs 100 --n-samples 1024 --pos-weight balanced --epochs 40 --verbose 2"   # 10.24 s at 100 Hz: CPU-sized

train() {  # model, run name, args...
  local model=$1 name=$2; shift 2
  if [ -f "runs/$name/metrics.json" ]; then echo "== $name: done"; return; fi
  if [ -f "runs/$name/config.json" ]; then
    echo "== $name: resuming"; python -m ecgtf train "$model" --out "runs/$name" --resume --verbose 2 > "runs/$name.log" 2>&1
  else
    echo "== $name: starting"; python -m ecgtf train "$model" --out "runs/$name" "$@" > "runs/$name.log" 2>&1
  fi
}
mkdir -p runs
if [[ " $ONLY " == *" classifiers "* ]]; then
  train classifier classifier-12lead $CPU
  train classifier classifier-lead-i $CPU --leads I
fi
if [[ " $ONLY " == *" reconstructors "* ]]; then
  train ekgan ekgan-ptbxl --data ptb-xl --epochs 40 --verbose 2                      # the paper recipe
  train ekgan pix2pix-ptbxl --data ptb-xl --epochs 40 --verbose 2 --variant pix2pix
fi
if [[ " $ONLY " == *" baselines "* ]] || [[ " $ONLY " == *" reconstructors "* ]]; then
  # a first CardioGAN at width 0.125 for 20 epochs (200 steps; full width is 2 × 54.7 M parameters and strides only
  # along time, so at width 0.25 one step took 24 s here)
  train ekgan cardiogan-ptbxl --data ptb-xl --epochs 20 --verbose 2 --variant cardiogan --width 0.125
fi
if [[ " $ONLY " == *" long "* ]]; then
  # 200 steps are far too few for unpaired training: longer runs, 4 random windows per record, constant lr
  train ekgan cyclegan-ptbxl-long --data ptb-xl --epochs 40 --augment-crops 4 --lr-decay-start 1000 --verbose 2 \
      --variant cyclegan --width 0.5
  train ekgan cardiogan-ptbxl-long --data ptb-xl --epochs 25 --augment-crops 2 --lr-decay-start 1000 --verbose 2 \
      --variant cardiogan --width 0.125
fi
if [[ " $ONLY " == *" evaluate "* ]]; then
  python -m training.evaluate_diagnostic --classifier runs/classifier-12lead --lead-i-classifier runs/classifier-lead-i \
      --preset unet1d_12lead runs/ekgan-ptbxl runs/pix2pix-ptbxl runs/cyclegan-ptbxl-long@final runs/cardiogan-ptbxl-long@final \
      --ridge --figure-models preset,ekgan,pix2pix,ridge --out runs/diagnostic --quiet > runs/diagnostic.log 2>&1
  # (validation L1 picks epoch 3-4 of the unpaired runs, before they learn ECG shapes: their last epoch is used)
  for set in "" "--data ludb"; do   # the paper-protocol table (RMSE/MAE/PRD/MMD/HR, oracle amplitude), last epochs
    name=eval-cycle-test; [ -n "$set" ] && name=eval-cycle-ludb
    ecgtf evaluate runs/ekgan-ptbxl runs/pix2pix-ptbxl runs/cyclegan-ptbxl-long runs/cardiogan-ptbxl-long --ridge \
        --weights final $set --out "runs/$name" > "runs/$name.log" 2>&1
  done
fi
