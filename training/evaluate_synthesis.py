"""``python -m training.evaluate_synthesis``: the synthesis-quality table (lives in :mod:`ecgtf.synthesis_bench`)."""
import sys

from ecgtf.synthesis_bench import main

if __name__ == "__main__":
    sys.exit(main())
