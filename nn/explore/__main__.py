"""``python -m nn.explore [--port N] [--no-browser]``: start the training explorer."""

from __future__ import annotations

import sys

from . import main

if __name__ == "__main__":  # not in the helper process that multiprocessing spawns
    sys.exit(main(sys.argv[1:]))
