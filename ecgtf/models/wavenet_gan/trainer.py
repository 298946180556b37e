"""``ecgtf train wavenet-gan`` (= ``python -m training.wavenet_gan``): the shared beat-generator trainer."""
import sys

from ecgtf.kits.beatgen.trainer import main_for

main = main_for("wavenet_gan")

if __name__ == "__main__":
    sys.exit(main())
