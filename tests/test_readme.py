"""README.md and docs/ promise commands and files: each must exist as written.

Every fenced ``bash`` block is read line by line: ``make`` targets must be in the Makefile,
``python -m`` modules importable, scripts and paths present, ``digit-*`` commands declared in
``pyproject.toml``, and every ``-S key=value`` override must name a key of ``params.yaml`` (or a
config group's option in ``conf/``). Local links must point at files that exist. The first
screen of README must show the two commands everyone starts with.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
from pathlib import Path

import pytest
import tomllib
import yaml

from tests.helpers import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Programs a reader is expected to have (the shell, git, the venv's tools, the Debian packages make installs).
KNOWN = {
    "source", "export", "cd", "ls", "git", "pip", "dvc", "pytest", "ruff", "lint-imports", "xvfb-run",
    "sudo", "apt-get", "python", "python3", "time", "du", "echo", "for", "do", "done", "cat", "rm",
}  # fmt: skip


def _blocks(path: Path) -> list[tuple[int, str]]:
    """(line number, command) of every line in the file's fenced bash blocks, comments and prompts removed."""
    out, fence = [], None
    for n, text in enumerate(path.read_text().splitlines(), 1):
        if text.startswith("```"):
            fence = None if fence is not None else text[3:].strip()
            continue
        if fence == "bash":
            command = re.sub(r"\s+#.*$", "", text).strip()
            if command and not command.startswith("#"):
                out.append((n, command))
    return out


def _commands(line: str) -> list[list[str]]:
    """The simple commands of a shell line (split at &&, ||, |, ;), as words."""
    words = []
    for part in re.split(r"&&|\|\||[|;]", line):
        part = part.strip()
        if part:
            try:
                words.append(shlex.split(part))
            except ValueError:
                words.append(part.split())
    return words


def _make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))


def _scripts() -> set[str]:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"])


def _param_exists(params: dict, key: str) -> bool:
    key = key.lstrip("+~")
    parts = key.split(".")
    if len(parts) == 1 and (ROOT / "conf" / key).is_dir():
        return True  # a config group: its option is checked by the caller
    node = params
    for part in parts:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def _problems(words: list[str], params: dict) -> list[str]:
    head, args = words[0], words[1:]
    if "=" in head and not head.startswith("-"):  # VAR=value command
        return _problems(args, params) if args else []
    if head == "make":
        return [
            f"no make target {t!r}" for t in args if not t.startswith("-") and "=" not in t and t not in _make_targets()
        ]
    if head in _scripts():
        return []
    if head in ("python", "python3", ".venv/bin/python"):
        if args[:1] == ["-m"]:
            return [] if importlib.util.find_spec(args[1]) else [f"no module {args[1]}"]
        return [] if (ROOT / args[0]).is_file() else [f"no script {args[0]}"]
    problems = []
    if head == "dvc":
        for i, arg in enumerate(args):
            if arg == "-S" and i + 1 < len(args):
                key, _, value = args[i + 1].partition("=")
                if not _param_exists(params, key):
                    problems.append(f"-S {key}: no such parameter in params.yaml")
                elif (ROOT / "conf" / key).is_dir() and not (ROOT / "conf" / key / f"{value}.yaml").is_file():
                    problems.append(f"-S {key}={value}: no conf/{key}/{value}.yaml")
        return problems
    if head.startswith((".venv/bin/", "bench/", ".ci/", "./")):
        name = head.removeprefix("./")
        known = (ROOT / name).is_file() or (name.startswith(".venv/bin/") and name.split("/")[-1] in KNOWN)
        return [] if known else [f"no file {name}"]
    if head in KNOWN or shutil.which(head):
        return []
    return [f"unknown command {head!r}"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_command_in_the_docs_exists(doc):
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    problems = [
        f"{doc.name}:{n}: {line}: {problem}"
        for n, line in _blocks(doc)
        for words in _commands(line)
        if words
        for problem in _problems(words, params)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_local_link_in_the_docs_exists(doc):
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text())
    missing = [link for link in links if "://" not in link and not (doc.parent / link).exists()]
    assert not missing, f"{doc.name} links to missing files: {missing}"


def test_readme_first_screen_shows_how_to_run_the_pipeline_and_the_tests():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    for command in ("make pipeline", "make test", "make test-fast", "source .venv/bin/activate", "digit-app"):
        assert command in first_screen, f"README's first 40 lines do not show `{command}`"


def test_the_checks_can_fail():
    """The checker itself: a wrong target, module, script, parameter and group option are caught."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    assert _problems(["make", "no-such-target"], params)
    assert _problems(["python", "-m", "pipeline.no_such_module"], params)
    assert _problems(["python", "bench/no_such_bench.py"], params)
    assert _problems(["dvc", "exp", "run", "-S", "train.no_such_key=1"], params)
    assert _problems(["dvc", "exp", "run", "-S", "model=no_such_model"], params)
    assert _problems(["no-such-program-anywhere"], params)
    assert not _problems(["dvc", "exp", "run", "-S", "model=tiny_cnn", "-S", "train.epochs=20"], params)
