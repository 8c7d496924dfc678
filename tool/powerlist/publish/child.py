"""One database job of publish/background.py (JSON on stdin), started by background.COMMAND (or `python -m powerlist.publish.child`).

Its own module, so that running it does not load background.py twice (the package's __init__
imports background through build; `-m powerlist.publish.background` would then run a second copy
as __main__, and Python warns on stderr, whose last line names a failed child's cause)."""

import sys

from .background import main

if __name__ == "__main__":
    sys.exit(main())
