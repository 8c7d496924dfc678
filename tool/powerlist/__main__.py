"""`python -m powerlist` runs the command line, as the installed `powerlist` script does."""

from .cli import app

app(prog_name="powerlist")
