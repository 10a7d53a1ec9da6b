"""`python -m app …`: the PairPulse command line (see `app/cli.py`)."""

import sys

from app.cli import main

sys.exit(main())
