"""``python -m training.lstm_gan`` = ``ecgtf train lstm-gan`` (the trainer lives in :mod:`ecgtf.models.lstm_gan.trainer`)."""
import sys

from ecgtf.models.lstm_gan.trainer import main

if __name__ == "__main__":
    sys.exit(main())
