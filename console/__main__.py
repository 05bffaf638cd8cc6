"""`python -m console`: serves the staff console (console/app.py)."""

import sys

from console.app import main

sys.exit(main())
