"""``ecgtf train conditional-beat-gan`` (= ``python -m training.conditional_beat_gan``): the shared beat-generator trainer."""
import sys

from ecgtf.kits.beatgen.trainer import main_for

main = main_for("conditional_beat_gan")

if __name__ == "__main__":
    sys.exit(main())
