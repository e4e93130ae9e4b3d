"""Models past the reference: the tiny edge model, ensembles, the label-ceiling figure."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from pipeline.config.params import params_from_dict
from pipeline.evaluation import DISPUTED, undisputed
from pipeline.tools.compose import compose_yaml


def test_the_undisputed_figure_leaves_out_exactly_the_disputed_images():
    labels = np.arange(10000) % 10
    probs = np.eye(10, dtype=np.float32)[labels]
    probs[DISPUTED[0]] = np.eye(10)[(labels[DISPUTED[0]] + 1) % 10]  # wrong on a disputed one: not counted
    probs[5] = np.eye(10)[(labels[5] + 3) % 10]  # wrong on an undisputed one: counted
    fig = undisputed(probs, labels)
    assert fig["examples"] == 9985 and len(DISPUTED) == 15
    assert fig["accuracy"] == pytest.approx(9984 / 9985, abs=1e-6)
    first = fig["disputed"][0]
    assert first == {
        "index": DISPUTED[0],
        "label": int(labels[DISPUTED[0]]),
        "predicted": int((labels[DISPUTED[0]] + 1) % 10),
        "confidence": 1.0,
    }


def test_tiny_config_composes_and_is_small():
    p = params_from_dict(yaml.safe_load(compose_yaml(["model=tiny_cnn"])))
    assert p.model.name == "tiny_cnn" and p.model.pooling == "global_avg" and p.model.dense_units == []
    assert p.train.augment.enabled  # its own recipe comes with it
    assert not p.gate.enabled  # the edge model ships alone: the gate would be 20x its size
    default = params_from_dict(yaml.safe_load(compose_yaml([])))
    assert default.model.name == "seed_cnn" and default.gate.enabled  # the default keeps the seed's network
    assert sum(not b.pool for b in p.model.conv_blocks) >= 2


@pytest.mark.slow
def test_tiny_model_builds_under_twelve_thousand_weights():
    from pipeline.learn.models import build_model

    p = params_from_dict(yaml.safe_load(compose_yaml(["model=tiny_cnn"])))
    model = build_model(p.model)
    assert model.count_params() < 12_000 and model.output_shape == (None, 10)


@pytest.mark.slow
def test_an_ensemble_averages_its_members_and_exports_with_parity(trained, mnist, params, tmp_path):
    """Two members (one the other's clone with other weights): the ONNX graph averages them, checked like one model."""
    import keras

    from pipeline.learn.keras_model import predict_probs
    from pipeline.learn.onnx_export import export
    from pipeline.tools.ensemble import average
    from tests.conftest import quick_params

    first = keras.models.clone_model(trained.model)  # copies: the ensemble renames its members
    first.set_weights(trained.model.get_weights())
    second = keras.models.clone_model(trained.model)
    second.set_weights([w * 0.9 for w in first.get_weights()])
    a, b = predict_probs(first, mnist.x_test[:200]), predict_probs(second, mnist.x_test[:200])
    model = average([first, second], "pair")
    np.testing.assert_allclose(predict_probs(model, mnist.x_test[:200]), (a + b) / 2, atol=1e-6)
    result = export(model, mnist, quick_params(params), overrides={"model_name": "pair"})
    assert result.metrics["disagreements"] == 0 and result.metrics["max_abs_diff"] <= 1e-5
    assert result.metrics["int8"]["enabled"]
    from app.inference import Classifier

    path = tmp_path / "pair.onnx"
    path.write_bytes(result.onnx_bytes)
    assert Classifier(path).info.name == "pair"


def _exp_show(runs, running=()):
    """``dvc exp show --json`` output (DVC 3) for experiments given as (name, params, eval accuracy)."""
    return [
        {"rev": "workspace", "name": None, "data": {}, "error": None, "experiments": None},
        {
            "rev": "abc",
            "name": "main",
            "data": {},
            "error": None,
            "experiments": [
                {
                    "name": name,
                    "executor": {"state": "running" if name in running else "success"},
                    "revs": [
                        {
                            "rev": name + "-rev",
                            "name": name,
                            "error": None,
                            "data": {
                                "params": {"params.yaml": {"data": params}},
                                "metrics": {
                                    "artifacts/metrics/headline.json": {"data": {"test": acc}},
                                    "artifacts/timing/train.json": {"data": {"train_loop_seconds": 100 + acc}},
                                },
                            },
                        }
                    ],
                }
                for name, params, acc in runs
            ],
        },
    ]


def test_seed_summary_is_mean_and_sample_sd_of_one_sweep_only():
    from pipeline.errors import StageError
    from pipeline.tools.seeds import select, summarize

    def p(seed, model="improved_cnn", lr=0.002):
        return {"model": {"name": model}, "train": {"seed": seed, "learning_rate": lr}}

    show = _exp_show([("a", p(1), 0.9970), ("b", p(2), 0.9974), ("c", p(3), 0.9969), ("t", p(1, "tiny_cnn"), 0.99)])
    s = summarize(select(show, "improved_cnn", []))
    acc = s["figures"]["test accuracy"]
    assert [r["seed"] for r in s["runs"]] == [1, 2, 3]
    assert acc["mean"] == pytest.approx(99.71, abs=1e-4) and acc["n"] == 3
    assert acc["sd"] == pytest.approx(0.026458, abs=1e-4)  # sample sd (n - 1) of 99.70, 99.74, 99.69
    with pytest.raises(StageError, match="learning_rate"):  # another recipe is not another seed
        summarize(select(_exp_show([("a", p(1), 0.99), ("b", p(2, lr=0.004), 0.99)]), None, []))
    with pytest.raises(StageError, match="no finished experiment named zz"):
        select(show, None, ["zz"])
    # a running experiment shows its baseline's metrics: it is not counted
    assert [r["name"] for r in select(_exp_show([("a", p(1), 0.99), ("b", p(2), 0.98)], running={"b"}), None, [])] == [
        "a"
    ]
    with pytest.raises(StageError, match="seeds repeat"):
        summarize(select(_exp_show([("a", p(1), 0.99), ("b", p(1), 0.98)]), None, []))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["seed_cnn", "improved_cnn", "tiny_cnn"])
def test_the_loaders_weight_estimate_is_the_built_models(name):
    """The loader refuses oversized models by this estimate before TensorFlow is loaded: it must be right."""
    from pipeline.config.params import weight_count
    from pipeline.learn.models import build_model

    p = params_from_dict(yaml.safe_load(compose_yaml([f"model={name}"])))
    model = build_model(p.model)
    assert weight_count(p.model) == model.count_params()
