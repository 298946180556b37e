"""``python -m training.evaluate_diagnostic`` = ``ecgtf evaluate --diagnostic`` (see :mod:`ecgtf.models.classifier.evaluate`)."""
import sys

from ecgtf.models.classifier.evaluate import main
from ecgtf.user_api import API

if __name__ == "__main__":
    sys.exit(main(api=API))
