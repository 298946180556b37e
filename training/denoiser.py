"""``python -m training.denoiser`` = ``ecgtf train denoiser`` (the trainer lives in :mod:`ecgtf.models.denoiser.trainer`)."""
import sys

from ecgtf.models.denoiser.trainer import main

if __name__ == "__main__":
    sys.exit(main())
