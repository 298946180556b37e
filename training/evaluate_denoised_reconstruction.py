"""``python -m training.evaluate_denoised_reconstruction``: reconstruction from noisy Lead I with and without
each denoiser (:mod:`ecgtf.models.denoiser.evaluate_reconstruction`)."""
import sys

from ecgtf.models.denoiser.evaluate_reconstruction import main
from ecgtf.user_api import API

if __name__ == "__main__":
    sys.exit(main(api=API))
