"""``python -m training.me_gan`` = ``ecgtf train me-gan`` (the trainer lives in :mod:`ecgtf.models.me_gan.trainer`)."""
import sys

from ecgtf.models.me_gan.trainer import main

if __name__ == "__main__":
    sys.exit(main())
