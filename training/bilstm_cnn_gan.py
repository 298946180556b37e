"""``python -m training.bilstm_cnn_gan`` = ``ecgtf train bilstm-cnn-gan`` (the trainer lives in :mod:`ecgtf.models.bilstm_cnn_gan.trainer`)."""
import sys

from ecgtf.models.bilstm_cnn_gan.trainer import main

if __name__ == "__main__":
    sys.exit(main())
