"""``python -m training.conditional_beat_gan`` = ``ecgtf train conditional-beat-gan`` (the trainer lives in :mod:`ecgtf.models.conditional_beat_gan.trainer`)."""
import sys

from ecgtf.models.conditional_beat_gan.trainer import main

if __name__ == "__main__":
    sys.exit(main())
