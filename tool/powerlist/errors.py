"""The one exception type the CLI turns into a one-line error and a non-zero exit, and how messages name paths."""

from pathlib import Path


class PowerlistError(Exception):
    """A user-facing failure: bad input, unknown release, invalid state.

    The message is one line naming what went wrong and where (file, line, cell). Quoted input
    may hold line breaks; they are shown escaped, so the message stays one line.
    """

    def __init__(self, message: object = "", *args):
        if isinstance(message, str):
            message = message.replace("\r", "\\r").replace("\n", "\\n")
        super().__init__(message, *args)


def shown_path(path) -> str:
    """A path as a user should read it in a message: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) or "."
    except (ValueError, OSError):
        return str(path)
