"""``python -m export RUN``: the export CLI (the engine is :mod:`export.engine`)."""
import sys

from export.engine import main

if __name__ == "__main__":
    sys.exit(main())
