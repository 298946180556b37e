"""``python -m training.evaluate_reconstructors``: the one evaluation of Lead I → 12-lead models
(PTB-XL fold 10 and LUDB, baselines included); see :mod:`ecgtf.reconstruction_eval`."""
import sys

from ecgtf.reconstruction_eval import main

if __name__ == "__main__":
    sys.exit(main())
