"""``python -m nn.explore [--port N] [--no-browser]``: start the training explorer."""

from __future__ import annotations

import sys

from . import main

sys.exit(main(sys.argv[1:]))
