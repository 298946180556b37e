#!/usr/bin/env bash
# Issue 30: choose, ship and evaluate the any-leads presets (after `any_leads.sh mix`).
#   ECGTF_DATA=../shared/data bash training/experiments/any_leads_ship.sh [val|ship|test]
# val:  the runs and today's presets on the validation fold (PTB-XL fold 9) for I, I+II, I+V2 — model selection.
# ship: build the presets unet1d_12lead (dynamic) and unet1d_lite (int8) from the chosen runs (+ personal_head.tflite).
# test: the evaluation table of docs/models/unet1d.md — PTB-XL fold 10 and LUDB, inputs I / I+II / I+V2 / I+II+V2,
#       ridge on the same leads, and the personal head (cross-session PTB-XL patients, LUDB 4.8 s → the rest).
set -euo pipefail
data=${ECGTF_DATA:-../shared/data}
RUNS=${RUNS:-runs}
FULL=${FULL:-$RUNS/unet1d-any-mix}
LITE=${LITE:-$RUNS/unet1d-any-mix-lite}
case "${1:-test}" in
  val)
    python -m training.evaluate_reconstructors "$FULL" "$LITE" --preset unet1d_12lead --preset unet1d_lite \
      --sets ptb-xl-val --inputs I --inputs I,II --inputs I,V2 --data-dir "$data" --out $RUNS/eval-any-val ;;
  ship)
    # Chosen on validation (`val`): the Lite any-leads run (final weights: I+V2 and Lead I r as good as or better than
    # its best-val-loss epoch) replaces unet1d_lite; the full any-leads run did not beat today's unet1d_12lead (Lead I
    # r(11) 0.737 vs 0.742, RMSE 0.158 vs 0.149 mV over II, V1-V6; its multi-lead rows below the Lite's), which stays.
    python - "$LITE" <<'PY'
import sys
from export.presets import build_preset
from export.personal_head import export_personal_head
out = build_preset(sys.argv[1], "unet1d_lite", None, formats=("int8",), weights="final")   # the card's table: `test`
export_personal_head(out)
print("built", out)
PY
    ;;
  test)
    # the Lite preset it replaces, for the Lead-I-only comparison: git show <commit before>:…/unet1d_lite/* into
    # $RUNS/preset-lite-old (config.json, digests.json, final/best_reconstructor.weights.h5, final/digests.json)
    old=$([ -d $RUNS/preset-lite-old ] && echo $RUNS/preset-lite-old || true)
    python -m training.evaluate_reconstructors $old --preset unet1d_12lead --preset unet1d_lite --baselines \
      --inputs I --inputs I,II --inputs I,V2 --inputs I,II,V2 --data-dir "$data" --out $RUNS/eval-any-test
    python -m training.evaluate_reconstructors --preset unet1d_12lead --preset unet1d_lite --personal \
      --sets ptb-xl-test --data-dir "$data" --out $RUNS/eval-any-personal
    python - $RUNS <<'PY'
import sys
from pathlib import Path
from ecgtf.presets import preset_dir
from export.presets import add_evaluation
runs = Path(sys.argv[1])
table = ((runs / "eval-any-test" / "summary.md").read_text() + "\n\nLead I only, every metric:\n\n"
         + (runs / "eval-any-test" / "I" / "results.md").read_text() + "\n\nPersonal head:\n\n"
         + (runs / "eval-any-personal" / "personal.md").read_text())
for name in ("unet1d_lite",):
    try:
        print("card", add_evaluation(preset_dir(name), table))
    except ValueError as exc:
        print(exc)
PY
    ;;
esac
