import sys

from ecgtf.cli import main

sys.exit(main())
