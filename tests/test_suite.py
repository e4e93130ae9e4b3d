"""The test suite's own machinery: on two pytest-xdist workers, the tests of one costly fixture share a worker."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.helpers import ROOT

# it starts two workers of its own (~6 s); the grouping matters to `make test`, which runs it
pytestmark = pytest.mark.slow


def test_the_tests_of_one_dvc_cache_run_on_one_worker(tmp_path):
    """pytest-xdist's groups were silently ignored with pytest 9.2 (the DVC pipeline was built on both workers)."""
    (tmp_path / "test_probe.py").write_text(
        "def test_a(dvc_cache): pass\ndef test_b(dvc_cache): pass\ndef test_c(dvc_cache): pass\n"
        + "".join(f"def test_free_{i}(): pass\n" for i in range(6))
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-n", "2"]
        + ["--dist", "loadgroup", "-v", "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    ran = {name: gw for gw, name in re.findall(r"\[(gw\d)\] \[ *\d+%\] PASSED \S*::(test_\w+)@dvc", out)}
    assert set(ran) == {"test_a", "test_b", "test_c"}, out
    assert len(set(ran.values())) == 1, out
    assert len(set(re.findall(r"\[(gw\d)\]", out))) == 2, out  # the other tests did use both workers
