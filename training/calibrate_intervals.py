"""``python -m training.calibrate_intervals``: calibrate a reconstructor's per-lead bands and measure their coverage;
see :mod:`ecgtf.interval_eval`."""
import sys

from ecgtf.interval_eval import main

if __name__ == "__main__":
    sys.exit(main())
