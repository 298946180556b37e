"""``python -m training.evaluate_denoisers RUNS --out DIR``: the denoising bench (:mod:`ecgtf.models.denoiser.bench`)."""
import sys

from ecgtf.models.denoiser.bench import main
from ecgtf.user_api import API

if __name__ == "__main__":
    sys.exit(main(api=API))
