"""``ecgtf train lstm-cnn-gans`` (= ``python -m training.lstm_cnn_gans``): the shared beat-generator trainer."""
import sys

from ecgtf.kits.beatgen.trainer import main_for

main = main_for("lstm_cnn_gans")

if __name__ == "__main__":
    sys.exit(main())
