"""README's headline figures are the shipped model's: what a reader is promised is what the app runs."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT

HEADLINE = re.compile(r"^\| MNIST test accuracy \|[^|]*\| \*\*(\d+\.\d+)%\*\*", re.MULTILINE)


def _shipped_accuracy() -> float:
    from app.contract import PUBLISHED_MODEL
    from app.inference import Classifier

    accuracy = Classifier(PUBLISHED_MODEL).info.test_accuracy
    assert accuracy is not None, "the shipped model's metadata has no test accuracy"
    return round(100 * accuracy, 2)


@pytest.mark.parametrize("page", ["README.md", "docs/results.md"])
def test_the_headline_test_accuracy_is_the_shipped_models(page):
    text = (ROOT / page).read_text()
    found = HEADLINE.search(text) or re.search(r"^\| test accuracy \|[^|]*\| \*\*(\d+\.\d+)%\*\*", text, re.M)
    assert found, f"no headline test accuracy in {page}"
    assert float(found.group(1)) == _shipped_accuracy(), page


def test_the_release_steps_end_with_make_publish():
    readme = (ROOT / "README.md").read_text()
    steps = readme[readme.index("Releasing a model") :].split("\n\n")[0]
    assert "`make publish`" in steps and "app/models/digits.onnx" in steps
