"""``python -m evaluation``: the same command line as ``evaluation``."""

import sys

from .cli import main

sys.exit(main())
