"""``python -m thesis_analysis``."""

import sys

from thesis_analysis.cli import main

sys.exit(main())
