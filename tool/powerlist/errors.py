"""The one exception type the CLI turns into a one-line error and a non-zero exit."""


class PowerlistError(Exception):
    """A user-facing failure: bad input, unknown release, invalid state.

    The message is one line naming what went wrong and where (file, line, cell).
    """
