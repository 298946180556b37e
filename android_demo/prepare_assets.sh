#!/usr/bin/env bash
# Copy an exported int8 EKGAN model and its metadata into the app's assets and write the bundled
# Lead I sample (30 s of synthetic Lead I at 500 Hz, mV). Run from the repository root:
#   python -m export.pipeline            # or: python -m export RUN_DIR --formats int8
#   bash android_demo/prepare_assets.sh runs/demo/export
set -euo pipefail
export_dir="${1:?usage: prepare_assets.sh EXPORT_DIR (containing ekgan_int8.tflite and ekgan_int8.json)}"
assets="$(cd "$(dirname "$0")" && pwd)/app/src/main/assets"
for f in ekgan_int8.tflite ekgan_int8.json; do
  [ -f "$export_dir/$f" ] || { echo "$export_dir/$f not found (run python -m export with --formats int8)" >&2; exit 2; }
  cp "$export_dir/$f" "$assets/$f"
done
python - "$assets/sample_lead_i_500hz.csv" <<'PY'
import sys
import numpy as np
from ecgtf.data.synthetic import SyntheticConfig, generate_record
x = generate_record(SyntheticConfig(heart_rate_bpm=72, duration_s=30.0), seed=11).signal[0]
np.savetxt(sys.argv[1], x, fmt="%.5f", header="Lead I, mV, 500 Hz, ecgtf synthetic record (seed 11)")
PY
echo "assets ready in $assets"
