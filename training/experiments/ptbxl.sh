#!/usr/bin/env bash
# The real PTB-XL run reported in the README: folds 1-8 train, 9 validation, 10 test (by patient),
# then external evaluation on all of LUDB. Usage: bash training/experiments/ptbxl.sh [EPOCHS] [OUT]
set -euo pipefail
EPOCHS=${1:-40}
OUT=${2:-runs/ptbxl}
mkdir -p "$OUT"
export ECGTF_NO_PROGRESS=1 PYTHONUNBUFFERED=1
export ECGTF_DATA="${ECGTF_DATA:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/data}"  # the development copies
train() {  # name, extra args...
  local name=$1; shift
  if [ -f "$OUT/$name/metrics.json" ]; then echo "skip $name (done)"; return; fi
  local resume=""; [ -f "$OUT/$name/config.json" ] && resume="--resume"
  /usr/bin/time -f "$name wall %e s" ecgtf train ekgan --data ptb-xl --epochs "$EPOCHS" --verbose 2 \
      --out "$OUT/$name" $resume "$@" 2>&1 | grep --line-buffered -v -E "^(I0000|E0000|WARNING: All|To enable)" > "$OUT/$name.log"
}
train ekgan-w1
train ekgan-physics-w1 --physics-head
train pix2pix-w1 --variant pix2pix
train ekgan-noLG-w1 --variant no-label-generator
train ekgan-noD-w1 --variant no-discriminator
train ekgan-w025 --width 0.25
ecgtf evaluate "$OUT"/ekgan-w1 "$OUT"/ekgan-physics-w1 "$OUT"/pix2pix-w1 "$OUT"/ekgan-noLG-w1 \
    "$OUT"/ekgan-noD-w1 "$OUT"/ekgan-w025 --ridge --out "$OUT/eval-test" > "$OUT/eval-test.log" 2>&1
ecgtf evaluate "$OUT"/ekgan-w1 "$OUT"/ekgan-physics-w1 "$OUT"/pix2pix-w1 "$OUT"/ekgan-w025 \
    --ridge --data ludb --out "$OUT/eval-ludb" > "$OUT/eval-ludb.log" 2>&1
echo all done
