"""``python -m training.evaluate`` = ``ecgtf evaluate`` for EKGAN runs (:mod:`ecgtf.models.ekgan.evaluate`)."""
import sys

from ecgtf.models.ekgan.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
