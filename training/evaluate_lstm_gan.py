"""``python -m training.evaluate_lstm_gan`` = ``ecgtf evaluate`` for LSTM-GAN runs (:mod:`ecgtf.models.lstm_gan.evaluate`)."""
import sys

from ecgtf.models.lstm_gan.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
