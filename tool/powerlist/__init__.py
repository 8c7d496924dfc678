"""powerlist: Guangxi secrecy-work power-and-responsibility lists as a versioned data package.

The public API is `Repository` (see powerlist/repository.py); the command line is powerlist.cli."""

__version__ = "0.1.0"

from .repository import Repository  # noqa: E402

__all__ = ["Repository", "__version__"]
