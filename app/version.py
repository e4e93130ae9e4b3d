"""The app's version, for ``--version`` and Help > About.

Apart from :mod:`app.contract` on purpose: every pipeline stage depends on the contract, and a
release's version string or About text must not make ``dvc repro`` train again.
"""

from __future__ import annotations

import argparse
from typing import Any


def version() -> str:
    """The installed package's version (for ``--version`` and Help > About).

    Reading it imports importlib.metadata and scans the installed distributions (40 ms of a
    cold start): ``--version`` options ask for it only when given (:class:`VersionAction`).
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("digit-classifier")
    except PackageNotFoundError:
        return "unknown (not installed)"


class VersionAction(argparse.Action):
    """``--version``: print "PROG VERSION" and exit, looking the version up only then."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option: Any = None) -> None:
        print(f"{parser.prog} {version()}")  # on standard output, as argparse's own version action
        parser.exit()
