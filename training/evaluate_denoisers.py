"""``python -m training.evaluate_denoisers RUNS --out DIR``: the denoising bench (:mod:`ecgtf.models.denoiser.bench`)."""
import sys

from ecgtf.models.denoiser.bench import main

if __name__ == "__main__":
    sys.exit(main())
