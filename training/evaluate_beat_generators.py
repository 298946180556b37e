"""The MIT-BIH beat-generator bench: one table for every trained beat generator.

    python -m training.evaluate_beat_generators runs/beat-bench/*/ --out runs/beat-bench/bench
    python -m training.evaluate_beat_generators runs/beat-bench            # every run inside

Each run is evaluated on the held-out inter-patient records (DS2) in its own window (length, rate,
scaling of its paper): PRD, RMSE, Fréchet distance, DTW and Euclidean distance to the nearest real
beat, MMD², 1NNC — each with the real→real floor — and TSTR vs TRTR per-class F1 of a small beat
classifier, plus parameters, training and sampling time. Writes ``results.json``, ``bench.md``
(the README table) and ``examples.png`` to ``--out``. Details: :mod:`ecgtf.models.beatgen.bench`.
"""
import sys

from ecgtf.models.beatgen.bench import main

if __name__ == "__main__":
    sys.exit(main())
