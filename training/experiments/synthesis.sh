#!/usr/bin/env bash
# Issue 16: the Pulse2Pulse CPU run and the synthesis-quality table. Resumable: rerun after a crash or
# the end of a session; the run continues from its last checkpoint.
#   bash training/experiments/synthesis.sh [MINUTES]      (default 85 minutes of training this session)
set -euo pipefail
cd "$(dirname "$0")/../.."
export ECGTF_DATA="${ECGTF_DATA:-../shared/data}"
MINUTES="${1:-85}"
RUN=runs/pulse2pulse-cpu
if [ -f "$RUN/config.json" ]; then
  python -m training.pulse2pulse --resume --out "$RUN" --minutes "$MINUTES" --verbose 2
else
  python -m training.pulse2pulse --variant cpu --out "$RUN" --minutes "$MINUTES" --plot-every 10 --verbose 2
fi
# the published DeepFake weights as a Keras run (needs `pip install deepfake-ecg torch`; skipped in the table if absent)
[ -d runs/pulse2pulse-published ] || python -m ecgtf.models.pulse2pulse.published --out runs/pulse2pulse-published || true
# the README table (deepfake-ecg needs `pip install deepfake-ecg torch`, neurokit2 `pip install neurokit2`)
python -m training.evaluate_synthesis --sources real,dipole,dipole-balanced,dipole-original,deepfake-ecg,runs/pulse2pulse-published,"$RUN",neurokit2 \
  --repeats 6 --out runs/synthesis
