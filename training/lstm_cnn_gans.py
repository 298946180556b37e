"""``python -m training.lstm_cnn_gans`` = ``ecgtf train lstm-cnn-gans`` (the trainer lives in :mod:`ecgtf.models.lstm_cnn_gans.trainer`)."""
import sys

from ecgtf.models.lstm_cnn_gans.trainer import main

if __name__ == "__main__":
    sys.exit(main())
