"""Training on slices of the real MNIST: split, model, determinism, strategies, errors."""

import subprocess
import sys

import numpy as np
import pytest

from pipeline.data import class_counts, load_mnist, split_indices
from pipeline.errors import StageError
from tests.conftest import quick_params
from tests.helpers import ROOT

SEED_APP_LAYERS = [
    ("InputLayer", None),
    ("Conv2D", (64, (3, 3), "relu")),
    ("MaxPooling2D", (2, 2)),
    ("Dropout", 0.15),
    ("Conv2D", (128, (3, 3), "relu")),
    ("MaxPooling2D", (2, 2)),
    ("Dropout", 0.15),
    ("Flatten", None),
    ("Dense", (64, "relu")),
    ("Dropout", 0.2),
    ("Dense", (32, "relu")),
    ("Dropout", 0.2),
    ("Dense", (10, "softmax")),
]


def _describe(layer):
    kind = type(layer).__name__
    if kind == "Conv2D":
        return kind, (layer.filters, tuple(layer.kernel_size), layer.activation.__name__)
    if kind == "MaxPooling2D":
        return kind, tuple(layer.pool_size)
    if kind == "Dropout":
        return kind, layer.rate
    if kind == "Dense":
        return kind, (layer.units, layer.activation.__name__)
    return kind, None


@pytest.mark.slow
def test_default_model_is_the_seed_cnn_layer_for_layer(params):
    from pipeline.learn.models import build_model

    model = build_model(params.model)
    layers = [_describe(layer) for layer in model.layers]
    if layers[0][0] != "InputLayer":  # Keras 3 functional models may not list the input layer
        layers.insert(0, ("InputLayer", None))
    assert layers == SEED_APP_LAYERS
    assert model.count_params() == 281_770
    assert model.input_shape == (None, 28, 28, 1)


def test_split_is_stratified_disjoint_and_seeded():
    labels = np.repeat(np.arange(10, dtype=np.uint8), 100)
    a = split_indices(labels, 0.1, seed=1)
    b = split_indices(labels, 0.1, seed=1)
    c = split_indices(labels, 0.1, seed=2)
    np.testing.assert_array_equal(a.train, b.train)
    assert not np.array_equal(a.validation, c.validation)
    assert not set(a.train) & set(a.validation)
    assert len(a.train) + len(a.validation) == 1000
    assert class_counts(labels[a.validation]) == [10] * 10
    limited = split_indices(labels, 0.2, seed=1, limit=200)
    assert len(limited.train) + len(limited.validation) == 200


def test_split_rejects_a_limit_too_small_to_validate():
    with pytest.raises(ValueError, match=r"raise train\.limit"):
        split_indices(np.arange(10, dtype=np.uint8), 0.01, seed=0, limit=10)


def test_a_short_run_on_a_slice_learns(trained):
    m = trained.metrics
    assert m["parameters"] == 281_770
    assert m["train_examples"] + m["val_examples"] == 12000
    assert m["val_accuracy"] > 0.93, m
    assert len(trained.history) == 2
    assert set(trained.history[0]) == {"epoch", "accuracy", "loss", "val_accuracy", "val_loss"}
    assert sum(m["class_counts"]["test"]) == 10000


def test_same_params_and_seed_give_identical_weights_and_metrics(params, mnist):
    from pipeline.learn.training import train

    small = quick_params(params, epochs=1, limit=3000, lr_schedule="cosine")
    first = train(small, mnist, progress=False)
    again = train(small, mnist, progress=False)
    assert again.history == first.history
    for w1, w2 in zip(first.model.get_weights(), again.model.get_weights(), strict=True):
        np.testing.assert_array_equal(w1, w2)
    other_seed = train(quick_params(params, epochs=1, limit=3000, seed=7), mnist, progress=False)
    assert other_seed.history != first.history


def test_batch_larger_than_the_slice_is_rejected(params, mnist):
    from pipeline.learn.training import train

    with pytest.raises(StageError, match=r"train.batch_size = 4096 is larger than the training split \(900"):
        train(quick_params(params, limit=1000, batch_size=4096), mnist, progress=False)


@pytest.mark.slow
def test_augmentation_is_deterministic_and_keeps_range(params):
    from pipeline.learn.augment import make_augment
    from pipeline.learn.tf_setup import import_tf

    tf = import_tf()
    cfg = params.train.augment.model_copy(update={"enabled": True, "thickness": 0.5})
    augment = make_augment(cfg, seed=3)
    x = np.zeros((8, 28, 28, 1), np.float32)
    x[:, 8:20, 12:16] = 1.0
    a = augment(tf.constant(x), tf.constant(5, tf.int64)).numpy()
    b = augment(tf.constant(x), tf.constant(5, tf.int64)).numpy()
    c = augment(tf.constant(x), tf.constant(6, tf.int64)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == x.shape and a.min() >= 0 and a.max() <= 1
    assert not np.array_equal(a, x)
    assert make_augment(cfg.model_copy(update={"enabled": False}), seed=3) is None


def test_save_is_atomic_when_writing_fails(tmp_path):
    from pipeline.learn.keras_model import save_model

    class Broken:
        def save(self, path):
            path.write_bytes(b"half a model")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_model(Broken(), tmp_path / "m.keras")
    assert list(tmp_path.iterdir()) == []


def test_saved_model_round_trips_with_the_same_bytes_every_time(trained, tmp_path, mnist):
    import time

    from pipeline.learn.keras_model import load_model, predict_probs, save_model

    save_model(trained.model, tmp_path / "a.keras")
    time.sleep(1.1)  # Keras stamps the save date to the second, and zip entries carry the clock
    save_model(trained.model, tmp_path / "b.keras")
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    reloaded = load_model(tmp_path / "a.keras")
    np.testing.assert_array_equal(
        predict_probs(reloaded, mnist.x_test[:50]), predict_probs(trained.model, mnist.x_test[:50])
    )


def test_results_and_timings_are_kept_apart(trained):
    assert not {"seconds", "samples_per_s", "train_loop_seconds", "epoch_samples_per_s"} & set(trained.metrics)
    assert trained.timing["samples_per_s"] > 0 and len(trained.timing["epoch_seconds"]) == 2


@pytest.mark.slow
def test_missing_or_corrupt_inputs_name_the_stage_to_rerun(tmp_path):
    from pipeline.learn.keras_model import load_model

    with pytest.raises(StageError, match=r"missing; run `dvc repro download`"):
        load_mnist(tmp_path / "mnist.npz")
    (tmp_path / "mnist.npz").write_bytes(b"not a zip")
    with pytest.raises(StageError, match=r"corrupt .*dvc repro download"):
        load_mnist(tmp_path / "mnist.npz")
    with pytest.raises(StageError, match=r"missing; run `dvc repro train`"):
        load_model(tmp_path / "model.keras")
    (tmp_path / "model.keras").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(StageError, match=r"not a readable Keras model .*dvc repro train"):
        load_model(tmp_path / "model.keras")


MIRRORED = """
import logging, sys
logging.basicConfig(level=logging.INFO)
from pipeline.config.params import load_params
from pipeline.data import load_mnist
from pipeline.learn.training import train
p = load_params("params.yaml")
p = p.model_copy(update={"train": p.train.model_copy(update=dict(
    strategy="mirrored", epochs=2, limit=12000, lr_schedule="constant", app_framed=False))})
r = train(p, load_mnist(sys.argv[1]), progress=False)
print("VAL", r.metrics["val_accuracy"])
"""


@pytest.mark.slow
def test_mirrored_strategy_trains_on_two_logical_cpus(mnist_npz):
    proc = subprocess.run(
        [sys.executable, "-c", MIRRORED, str(mnist_npz)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "DIGITS_LOGICAL_CPUS": "2"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "mirrored strategy over 2 device(s)" in proc.stderr
    assert "2 replicas" in proc.stderr
    assert float(proc.stdout.split("VAL")[1]) > 0.93  # as on one device (test_a_short_run_on_a_slice_learns)


def test_improved_model_is_a_config_choice_within_the_parameter_budget_and_exports(mnist):
    import yaml

    from pipeline.config.params import params_from_dict
    from pipeline.learn.models import build_model
    from pipeline.learn.onnx_export import export
    from pipeline.learn.training import train
    from pipeline.tools.compose import compose_yaml

    improved = params_from_dict(yaml.safe_load(compose_yaml(["model=improved_cnn"])))
    assert improved.model.name == "improved_cnn" and improved.train.augment.enabled
    assert build_model(improved.model).count_params() <= 1.5 * 281_770
    # batch norm and augmentation train, and the exported graph matches Keras (no augmentation in it)
    quick = improved.model_copy(update={"train": improved.train.model_copy(update={"epochs": 1, "limit": 3000})})
    quick = quick.model_copy(update={"export": quick.export.model_copy(update={"latency_runs": 20})})
    result = train(quick, mnist, progress=False)
    exported = export(result.model, mnist, quick)
    from app.contract import OUTPUT_NAME
    from tests.helpers import onnx_against_keras

    diff, onnx_probs, keras_probs = onnx_against_keras(
        exported.onnx_bytes, result.model, mnist.x_test[:2000], OUTPUT_NAME
    )
    assert diff <= 1e-5 and (onnx_probs.argmax(1) == keras_probs.argmax(1)).all()  # batch norm folded right
    import onnx

    ops = {n.op_type for n in onnx.load_from_string(exported.onnx_bytes).graph.node}
    assert not ops & {"ImageProjectiveTransformV3", "RandomUniform", "MaxPool2D"} and "Conv" in ops


# ------------------------------------------------ digits as the app frames them (train.app_framed)
def _framed_fixture():
    from pipeline.data import Framed, Mnist, Split

    y = np.arange(20, dtype=np.uint8) % 10
    x = np.zeros((20, 28, 28), np.uint8)
    data = Mnist(x, y, x[:2], y[:2])
    split = Split(train=np.arange(0, 15), validation=np.arange(15, 20))
    source = np.array([3, 16, 3, 14, 19, 0])  # 16 and 19 are validation digits
    images = (np.arange(6, dtype=np.uint8)[:, None, None] + 100) * np.ones((1, 28, 28), np.uint8)
    return data, split, Framed(images, source)


def test_framed_digits_of_training_digits_join_training_with_their_sources_labels():
    from pipeline.data import with_framed

    data, split, framed = _framed_fixture()
    grown, grown_split = with_framed(data, split, framed)
    kept = np.array([0, 2, 3, 5])  # made from training digits 3, 3, 14, 0
    assert len(grown.x_train) == 20 + 4 and len(grown_split.train) == 15 + 4
    np.testing.assert_array_equal(grown.x_train[20:], framed.images[kept])
    np.testing.assert_array_equal(grown.y_train[20:], data.y_train[[3, 3, 14, 0]])
    np.testing.assert_array_equal(grown_split.train[15:], np.arange(20, 24))
    # the validation digits stay unseen in every form, and the test set is untouched
    np.testing.assert_array_equal(grown_split.validation, split.validation)
    assert grown.x_test is data.x_test


def test_framed_digits_from_another_mnist_are_refused():
    from pipeline.data import Framed, with_framed

    data, split, framed = _framed_fixture()
    with pytest.raises(StageError, match="dvc repro openset"):
        with_framed(data, split, Framed(framed.images, framed.source + 100))


def test_app_framed_without_framed_digits_says_so(params, mnist):
    from pipeline.learn.training import train

    with pytest.raises(StageError, match="app_framed"):
        train(quick_params(params, app_framed=True, epochs=1, limit=1000), mnist, progress=False)


def test_openset_without_sources_names_the_stage_to_rerun(tmp_path):
    from pipeline.data import load_framed

    path = tmp_path / "framed.npz"
    np.savez(path, digits_train_drawn=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(StageError, match=r"lacks .*digits_train_drawn_source.*dvc repro openset"):
        load_framed(path)
    with pytest.raises(StageError, match="dvc repro openset"):
        load_framed(tmp_path / "missing.npz")


@pytest.mark.slow
def test_framed_digits_carry_their_source_digits_label(sample, published_model, params):
    """Drawn, photographed, numbers' and written scenes' digits, read by the shipped model, agree with their
    sources' labels."""
    from app.inference import Classifier
    from pipeline.sets.trainsets import digits_as_drawn, scene_sets

    x, y = sample.x_train[:400], sample.y_train[:400]
    families = digits_as_drawn(x, 10, 60, 30, 3)
    # digits_as_drawn leaves the scenes out. About 250 of their digits: they agree ~96% (3,000 training
    # digits, 300 scenes), and 24 scenes of 400 digits (~100) fell under 90% by chance (0.891)
    families["scenes"] = scene_sets(sample.x_train, 60, params.families, 3).digits
    sources = {"scenes": sample.y_train}
    classifier = Classifier(published_model, threads=0)
    for family, framed in families.items():
        assert len(framed.images) == len(framed.source) > 20, family
        probs, _ = classifier.score(framed.images.astype(np.float32) / 255)
        right = float((probs.argmax(1) == sources.get(family, y)[framed.source]).mean())
        assert right > 0.9, (family, right)  # a source off by one would agree about 10% of the time


@pytest.mark.slow
def test_loading_tensorflow_prints_nothing_but_what_matters():
    """TensorFlow's load-time banners (oneDNN's notice, twice; absl's) went to every stage's output."""
    code = (
        "import sys; from pipeline.learn.tf_setup import import_tf; tf = import_tf(); import keras\n"
        "keras.layers.Dense(2)(tf.zeros((1, 2)))\n"
        "print('loaded', file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "loaded\n", done.stderr
