"""``python -m training.evaluate_me_gan RUNS --out DIR``: the ME-GAN bench (:mod:`ecgtf.models.me_gan.evaluate`)."""
import sys

from ecgtf.models.me_gan.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
