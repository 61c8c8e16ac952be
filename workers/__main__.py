"""`python -m workers`: a production worker process (same as `dramatiq workers.process`)."""

from __future__ import annotations

import sys

from dramatiq.cli import main

if __name__ == "__main__":
    sys.argv = ["dramatiq", "workers.process", *sys.argv[1:]]
    sys.exit(main())
