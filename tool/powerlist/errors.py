"""The one exception type the CLI turns into a one-line error and a non-zero exit."""


class PowerlistError(Exception):
    """A user-facing failure: bad input, unknown release, invalid state.

    The message is one line naming what went wrong and where (file, line, cell). Quoted input
    may hold line breaks; they are shown escaped, so the message stays one line.
    """

    def __init__(self, message: object = "", *args):
        if isinstance(message, str):
            message = message.replace("\r", "\\r").replace("\n", "\\n")
        super().__init__(message, *args)
