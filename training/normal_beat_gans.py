"""``python -m training.normal_beat_gans`` = ``ecgtf train normal-beat-gans`` (the trainer lives in :mod:`ecgtf.models.normal_beat_gans.trainer`)."""
import sys

from ecgtf.models.normal_beat_gans.trainer import main

if __name__ == "__main__":
    sys.exit(main())
