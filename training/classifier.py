"""``python -m training.classifier`` = ``ecgtf train classifier`` (the trainer lives in :mod:`ecgtf.models.classifier.trainer`)."""
import sys

from ecgtf.models.classifier.trainer import main

if __name__ == "__main__":
    sys.exit(main())
