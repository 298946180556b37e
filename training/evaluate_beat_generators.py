"""``python -m training.evaluate_beat_generators RUNS… --out DIR``: the MIT-BIH beat-generator bench
(``--help`` for its options; it lives in :mod:`ecgtf.kits.beatgen.evaluate`)."""
import sys

from ecgtf.kits.beatgen.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
