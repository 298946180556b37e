"""``python -m training.pulse2pulse`` = ``ecgtf train pulse2pulse`` (the trainer lives in :mod:`ecgtf.models.pulse2pulse.trainer`)."""
import sys

from ecgtf.models.pulse2pulse.trainer import main

if __name__ == "__main__":
    sys.exit(main())
