"""`powerlist release` and `powerlist verify`: freeze the working state, check a frozen one."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import PowerlistError
from ..names import is_name
from ..package import not_releases, release_tags
from .app import command, root, say


@command()
def release(ctx: typer.Context, tag: str = typer.Argument(..., help="The release tag, e.g. 2023."),
            date: Optional[str] = typer.Option(None, "--date", help="Release date YYYY-MM-DD (default: today).")):
    """Freeze the working state as releases/TAG (and tag git when in a git checkout)."""
    from ..release import create_release

    manifest = create_release(root(ctx), tag, date)
    say(f"released {tag} ({manifest['date']}): {len(manifest['files'])} files in releases/{tag}")


@command()
def verify(ctx: typer.Context, tag: Optional[str] = typer.Argument(None, help="The release to verify (default: every release).")):
    """Check every file of a release against the SHA-256 sums in its release.json."""
    from ..manifest import verify_release

    r = root(ctx)
    tags = [tag] if tag else release_tags(r)
    if tag and (not is_name(tag) or not (r / "releases" / tag).is_dir()):
        raise PowerlistError(f"unknown release {tag!r} (known: {', '.join(release_tags(r)) or 'none'})")
    bad = False
    for name in ([] if tag else not_releases(r)):
        say(f"releases/{name}: not a release (its name is not a tag, or it has no release.json); no command reads it")
        bad = True
    for t in tags:
        res = verify_release(r, t)
        say(f"{t}: {'ok' if res.ok else 'MODIFIED'}")
        for p in res.problems:
            say(f"  {p}")
        bad |= not res.ok
    if bad:
        raise typer.Exit(1)
