"""`python -m workers`: a production worker process (same as `dramatiq workers.actors`)."""

from __future__ import annotations

import sys

from dramatiq.cli import main

if __name__ == "__main__":
    sys.argv = ["dramatiq", "workers.actors", *sys.argv[1:]]
    sys.exit(main())
