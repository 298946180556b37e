#!/usr/bin/env bash
# Copy a TFLite model and its metadata into the app's assets (as model.tflite + model.json) and write
# the bundled Lead I sample (30 s of synthetic Lead I at 500 Hz, mV). Run from the repository root:
#   bash android_demo/prepare_assets.sh                                  # the shipped preset (default)
#   bash android_demo/prepare_assets.sh runs/demo/export/ekgan_int8.tflite   # any exported file
set -euo pipefail
model="${1:-}"
if [ -z "$model" ]; then
  model="$(python -c 'from ecgtf.presets import preset_tflite; print(preset_tflite("unet1d_12lead", "dynamic"))')"
fi
meta="${model%.tflite}.json"
for f in "$model" "$meta"; do
  [ -f "$f" ] || { echo "$f not found (export a run with: ecgtf export RUN --formats int8)" >&2; exit 2; }
done
assets="$(cd "$(dirname "$0")" && pwd)/app/src/main/assets"
cp "$model" "$assets/model.tflite"
cp "$meta" "$assets/model.json"
python - "$assets/sample_lead_i_500hz.csv" <<'PY'
import sys
import numpy as np
from ecgtf.data.synthetic import SyntheticConfig, generate_record
x = generate_record(SyntheticConfig(heart_rate_bpm=72, duration_s=30.0), seed=11).signal[0]
np.savetxt(sys.argv[1], x, fmt="%.5f", header="Lead I, mV, 500 Hz, ecgtf synthetic record (seed 11)")
PY
echo "assets ready in $assets: model.tflite ($(basename "$model")), model.json, sample_lead_i_500hz.csv"
