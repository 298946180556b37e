"""``python -m training.evaluate_denoisers RUNS --out DIR``: the denoising bench (:mod:`ecgtf.models.denoiser.evaluate`)."""
import sys

from ecgtf.models.denoiser.evaluate import main
from ecgtf.user_api import API

if __name__ == "__main__":
    sys.exit(main(api=API))
