"""``python -m training.unet1d`` = ``ecgtf train unet1d`` (the trainer lives in :mod:`ecgtf.models.unet1d.trainer`)."""
import sys

from ecgtf.models.unet1d.trainer import main

if __name__ == "__main__":
    sys.exit(main())
