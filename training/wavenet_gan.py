"""``python -m training.wavenet_gan`` = ``ecgtf train wavenet-gan`` (the trainer lives in :mod:`ecgtf.models.wavenet_gan.trainer`)."""
import sys

from ecgtf.models.wavenet_gan.trainer import main

if __name__ == "__main__":
    sys.exit(main())
