"""``python -m training.ridge_blend``: blend a trained any-leads unet1d run with ridge reconstructions for the common
lead sets; see :mod:`ecgtf.models.unet1d.ridge_blend`."""
import sys

from ecgtf.models.unet1d.ridge_blend import main

if __name__ == "__main__":
    sys.exit(main())
