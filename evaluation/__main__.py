"""``python -m evaluation``: the same command line as ``evaluation``."""

import sys

from evaluation.cli import main

sys.exit(main())
