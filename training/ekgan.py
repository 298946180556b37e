"""``python -m training.ekgan`` = ``ecgtf train ekgan`` (the trainer lives in :mod:`ecgtf.models.ekgan.trainer`)."""
import sys

from ecgtf.models.ekgan.trainer import main

if __name__ == "__main__":
    sys.exit(main())
