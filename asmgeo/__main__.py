"""``python -m asmgeo``."""

import sys

from asmgeo.cli import main

sys.exit(main())
