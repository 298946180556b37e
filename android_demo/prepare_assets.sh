#!/usr/bin/env bash
# Copy models and their metadata into the app's assets (assets/models/NAME.tflite + NAME.json, and
# NAME.intervals.json when the model's folder holds a band calibration; the app
# lists them in a drop-down to switch between) and write the bundled Lead I sample (30 s of synthetic
# Lead I at 500 Hz, mV). Run from the repository root:
#   bash android_demo/prepare_assets.sh                # every shipped preset's phone file (full + Lite)
#   bash android_demo/prepare_assets.sh runs/demo/export/ekgan_int8.tflite other.tflite   # exported files
set -euo pipefail
assets="$(cd "$(dirname "$0")" && pwd)/app/src/main/assets"
mkdir -p "$assets/models"
if [ "$#" -eq 0 ]; then   # lines "NAME<TAB>FILE": each preset under its own name
  mapfile -t entries < <(python -c 'from ecgtf.presets import list_presets, preset_phone_tflite
for n in sorted(list_presets()): print(f"{n}\t{preset_phone_tflite(n)}")')
else
  entries=()
  for f in "$@"; do entries+=("$(basename "${f%.tflite}")"$'\t'"$f"); done
fi
rm -f "$assets/models/"*.tflite "$assets/models/"*.json
for entry in "${entries[@]}"; do
  name="${entry%%$'\t'*}"
  model="${entry#*$'\t'}"
  meta="${model%.tflite}.json"
  for f in "$model" "$meta"; do
    [ -f "$f" ] || { echo "$f not found (export a run with: ecgtf export RUN --formats int8)" >&2; exit 2; }
  done
  cp "$model" "$assets/models/$name.tflite"
  cp "$meta" "$assets/models/$name.json"
  intervals="$(dirname "$model")/intervals.json"      # the preset's band calibration, when it has one
  if [ -f "$intervals" ]; then cp "$intervals" "$assets/models/$name.intervals.json"; fi
  echo "bundled $name ($(basename "$model"))"
done
python - "$assets/sample_lead_i_500hz.csv" <<'PY'
import sys
import numpy as np
from ecgtf.data.synthetic import SyntheticConfig, generate_record
x = generate_record(SyntheticConfig(heart_rate_bpm=72, duration_s=30.0), seed=11).signal[0]
np.savetxt(sys.argv[1], x, fmt="%.5f", header="Lead I, mV, 500 Hz, ecgtf synthetic record (seed 11)")
PY
echo "assets ready in $assets: models/ ($(ls "$assets/models" | grep -c tflite) model(s)), sample_lead_i_500hz.csv"
