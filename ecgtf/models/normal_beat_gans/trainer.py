"""``ecgtf train normal-beat-gans`` (= ``python -m training.normal_beat_gans``): the shared beat-generator trainer."""
import sys

from ecgtf.kits.beatgen.trainer import main_for

main = main_for("normal_beat_gans")

if __name__ == "__main__":
    sys.exit(main())
