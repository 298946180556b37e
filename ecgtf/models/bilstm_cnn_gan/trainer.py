"""``ecgtf train bilstm-cnn-gan`` (= ``python -m training.bilstm_cnn_gan``): the shared beat-generator trainer."""
import sys

from ecgtf.kits.beatgen.trainer import main_for

main = main_for("bilstm_cnn_gan")

if __name__ == "__main__":
    sys.exit(main())
