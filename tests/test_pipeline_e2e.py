"""`dvc repro` end to end in a fresh clone, with a training limit so it takes about a minute."""

import json

import pytest
import yaml

from pipeline.sandbox import QUICK, make_clone, run_cmd

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def repo(tmp_path_factory, dvc_cache):
    clone = make_clone(tmp_path_factory.mktemp("e2e") / "repo", dvc_cache)
    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK], clone)
    run_cmd(["dvc", "repro"], clone, timeout=1200)
    return clone


def test_every_stage_ran_and_wrote_its_outputs(repo):
    status = run_cmd(["dvc", "status"], repo).stdout
    assert "up to date" in status, status
    for rel in (
        "model/model.keras",
        "model/adapted.keras",
        "data/user.npz",
        "metrics/userdata.json",
        "metrics/adapt.json",
        "train/history.csv",
        "train/layers.csv",
        "train/live/metrics.json",
        "metrics/train.json",
        "timing/train.json",
        "metrics/eval.json",
        "metrics/headline.json",
        "metrics/gate.json",
        "eval/predictions.csv",
        "eval/examples.npz",
        "data/renderings.npz",
        "data/openset.npz",
        "data/framed.npz",
        "model/gate.keras",
        "model/strings.onnx",
        "metrics/strings.json",
        "model/model.onnx",
        "metrics/export.json",
        "timing/export.json",
        "reports/index.html",
        "reports/plotly.min.js",
    ):
        assert (repo / "artifacts" / rel).is_file(), rel
    assert sorted(p.name for p in (repo / "artifacts/reports").iterdir()) == ["index.html", "plotly.min.js"]
    # every stage says how long it took and on what machine: CPU, numpy's SIMD, BLAS kernel, oneDNN's cap
    for stage in yaml.safe_load((repo / "dvc.yaml").read_text())["stages"]:
        timing = json.loads((repo / "artifacts/timing/stages" / f"{stage}.json").read_text())
        assert timing["stage"] == stage and timing["wall_seconds"] >= 0 and timing["cpu"], timing
        assert timing["cores"] >= 1 and isinstance(timing["numpy_simd"], list) and "onednn_max_cpu_isa" in timing
    ev = json.loads((repo / "artifacts/metrics/eval.json").read_text())
    ex = json.loads((repo / "artifacts/metrics/export.json").read_text())
    assert ev["accuracy"] > 0.8
    headline = json.loads((repo / "artifacts/metrics/headline.json").read_text())
    assert headline["test"] == ev["accuracy"] and set(headline) >= {"drawn", "numbers", "photos", "non_digits_rejected"}
    # a clone holds none of the person's own digits: the adapted model is the trained one, byte for byte
    assert (repo / "artifacts/model/adapted.keras").read_bytes() == (repo / "artifacts/model/model.keras").read_bytes()
    assert json.loads((repo / "artifacts/metrics/adapt.json").read_text()) == {"enabled": False}
    assert json.loads((repo / "artifacts/metrics/userdata.json").read_text())["records"] == 0 and "user" not in ev
    # train.app_framed: the classifier also trained on the openset stage's framed digits of its training split
    tr = json.loads((repo / "artifacts/metrics/train.json").read_text())
    assert tr["framed_examples"] > 0 and tr["train_examples"] > tr["framed_examples"]
    # each framed digit names its source in x_train, inside the gate's split it was made from
    import numpy as np

    from pipeline.config.params import load_params
    from pipeline.data import DIGIT_FAMILIES, load_mnist, source_key
    from pipeline.sets.splits import gate_split

    split = gate_split(load_mnist(repo / "artifacts/data/mnist.npz").y_train, load_params(repo / "params.yaml").openset)
    with np.load(repo / "artifacts/data/openset.npz") as z:  # the non-digits alone: the classifier does not read it
        assert z.files and all(k.startswith(("negatives_", "family_")) for k in z.files), z.files
    with np.load(repo / "artifacts/data/framed.npz") as z:
        for part, indices in (("train", split.train), ("validation", split.validation)):
            for family in DIGIT_FAMILIES:
                source = z[source_key(part, family)]
                assert len(source) and np.isin(source, indices).all(), (part, family)
    assert ex["onnx_accuracy"] == ev["accuracy"] and ex["disagreements"] == 0
    # the open-world figures are there, and the model file carries its not-a-digit rule
    assert ev["reject"]["enabled"] and 0 <= ev["reject"]["non_digits_rejected"] <= 1
    assert set(ev["numbers"]["by_length"]) == {"2", "3", "4", "5", "6"} and "exact" in ev["photos"]
    from app.inference import Classifier

    assert Classifier(repo / "artifacts/model/model.onnx").info.reject[0] == "not_digit"
    # dvc repro never touches the app's published model: that is `python -m pipeline.tools.publish`
    assert run_cmd(["git", "status", "--porcelain", "--", "app"], repo).stdout == ""


def test_a_forced_rerun_rewrites_only_the_timing_files(repo):
    before = yaml.safe_load((repo / "dvc.lock").read_text())
    run_cmd(
        [
            "dvc",
            "repro",
            "-f",
            # the data stages' bytes are checked across CPUs and core counts by tests/test_same_bytes.py
            *("userdata", "train", "adapt", "gate", "strings", "export", "evaluate", "report"),
            "--single-item",
        ],
        repo,
        timeout=1200,
    )
    after = yaml.safe_load((repo / "dvc.lock").read_text())

    def outs(lock):
        return {o["path"]: o["md5"] for st in lock["stages"].values() for o in st.get("outs", [])}

    changed = {path for path, md5 in outs(after).items() if outs(before)[path] != md5}
    # the report shows training time and latency, so it changes with them
    timing = {"artifacts/timing/train.json", "artifacts/timing/export.json", "artifacts/reports"}
    assert {c for c in changed if not c.startswith("artifacts/timing/stages/")} <= timing, changed
    assert "artifacts/model/model.onnx" not in changed and "artifacts/model/model.keras" not in changed
    assert "artifacts/model/strings.onnx" not in changed


def test_a_release_of_the_app_trains_nothing_again(repo):
    """The version string, the About text and the window are not any stage's deps (version() left app/contract.py)."""
    edited = ["app/version.py", "app/ui/dialogs.py", "pyproject.toml"]
    for rel in edited:
        with open(repo / rel, "a", encoding="utf-8") as fh:
            fh.write("\n# a release\n")
    try:
        status = run_cmd(["dvc", "status", "train", "gate", "render", "openset"], repo).stdout
        assert "up to date" in status, status
    finally:
        run_cmd(["git", "checkout", "--", *edited], repo)


def test_a_new_report_option_trains_nothing_again(repo):
    """A stage imports the config groups it reads: editing the report's schema (as a new option does)
    changes the report's deps alone, not train's, gate's or any other stage's."""
    edited = "pipeline/config/report.py"
    with open(repo / edited, "a", encoding="utf-8") as fh:
        fh.write("\n# a new report option\n")
    try:
        status = run_cmd(["dvc", "status", "train", "gate", "render", "openset", "export", "evaluate"], repo).stdout
        assert "up to date" in status, status
        assert edited in run_cmd(["dvc", "status", "report"], repo).stdout
    finally:
        run_cmd(["git", "checkout", "--", edited], repo)


def test_publish_is_gated_and_records_provenance(repo):
    from app.inference import Classifier

    published = repo / "app" / "models" / "digits.onnx"
    shipped = published.read_bytes()
    refused = run_cmd(["python", "-m", "pipeline.tools.publish"], repo, check=False)
    assert refused.returncode == 1 and "refusing to publish" in refused.stderr, refused.stderr
    assert "below publish.min_test_accuracy" in refused.stderr and "Traceback" not in refused.stderr
    assert published.read_bytes() == shipped
    run_cmd(["python", "-m", "pipeline.tools.publish", "--force"], repo)
    meta = Classifier(published).info.metadata
    provenance = json.loads(meta["published"])
    assert provenance["source"] == "artifacts/model/model.onnx" and len(provenance["source_sha256"]) == 64
    assert provenance["git_commit"] != "unknown"
    # the string model goes beside it, with its own provenance, and the app reads with it
    import onnx

    strings = onnx.load(repo / "app" / "models" / "strings.onnx")
    record = json.loads({p.key: p.value for p in strings.metadata_props}["published"])
    assert record["source"] == "artifacts/model/strings.onnx" and len(record["source_sha256"]) == 64
    assert Classifier(published).strings is not None
    run_cmd(["git", "checkout", "--", "app/models/digits.onnx", "app/models/strings.onnx"], repo)


def test_dvc_metrics_and_plots_show(repo):
    shown = json.loads(run_cmd(["dvc", "metrics", "show", "--json"], repo).stdout)
    files = next(iter(shown.values()))["data"]
    # the metrics are the few figures people compare; eval.json, train.json, export.json are plain outputs
    assert set(files) == {"artifacts/metrics/headline.json", "artifacts/timing/train.json"}, set(files)
    headline = files["artifacts/metrics/headline.json"]["data"]
    assert headline["test"] > 0.8 and {"validation", "int8", "drawn", "numbers", "photos"} <= set(headline)
    plots = json.loads(run_cmd(["dvc", "plots", "show", "--json"], repo).stdout)["data"]
    assert {"Accuracy", "Loss", "Confusion matrix (test)"} <= set(plots), set(plots)
    assert all(plots[name] for name in ("Accuracy", "Loss", "Confusion matrix (test)"))


def test_queued_sweep_runs_and_exp_show_compares_the_runs(repo):
    """Two queued experiments run by a worker, each in a workspace of its own restored from the cache, and
    `dvc exp show` lists both. The sweep is over a report option: neither trains (the training runs of
    `dvc exp run` are the teammate's and the person's-digits tests'), and both show the same model."""
    import time

    quick = [arg for o in QUICK for arg in ("-S", o)]
    run_cmd(["dvc", "exp", "run", "--queue", *quick, "-S", "report.misclassified=24,30"], repo)
    assert run_cmd(["dvc", "queue", "status"], repo).stdout.count("Queued") == 2
    run_cmd(["dvc", "queue", "start", "-j", "1"], repo)
    deadline = time.monotonic() + 900
    try:
        while time.monotonic() < deadline:
            status = run_cmd(["dvc", "queue", "status"], repo).stdout
            if "Queued" not in status and "Running" not in status:
                break
            time.sleep(2)
    finally:
        run_cmd(["dvc", "queue", "stop"], repo, check=False)
    assert status.count("Success") == 2, status
    rows = json.loads(run_cmd(["dvc", "exp", "show", "--json"], repo).stdout)
    found = {}
    for commit in rows:
        for exp in commit.get("experiments") or []:
            for rev in exp.get("revs", []):
                data = rev.get("data", {})
                shown = data.get("params", {}).get("params.yaml", {}).get("data", {}).get("report", {})
                acc = data.get("metrics", {}).get("artifacts/metrics/headline.json", {}).get("data", {}).get("test")
                if shown.get("misclassified") is not None and acc is not None:
                    found[shown["misclassified"]] = acc
    assert {24, 30} <= set(found), found
    assert found[24] == found[30] and 0.5 < found[24] <= 1, found  # the same model, restored


def test_the_persons_digits_teach_the_model_and_leaving_them_restores_the_default_bytes(repo):
    import numpy as np

    from app.userdata import save_record
    from pipeline.data import load_mnist

    # back to the QUICK params (an earlier test ran an experiment in the workspace): restored from the run-cache
    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK], repo)
    run_cmd(["dvc", "repro"], repo, timeout=1200)
    default = (repo / "artifacts/model/model.onnx").read_bytes()
    trained = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]["train"]
    data = load_mnist(repo / "artifacts/data/mnist.npz")
    thick = np.maximum.reduce([np.roll(data.x_test[:60], s, axis=a) for s in (0, 1) for a in (1, 2)])  # a heavy pen
    for i in range(60):
        save_record(
            repo / "userdata",
            label=str(int(data.y_test[i])),
            inputs=[thick[i].astype(np.float32) / 255.0],
            session=f"s{i % 6}",
            writer="tester",
        )
    # as README says: an experiment with the person's digits (the records are git-ignored, in the workspace)
    teach = [*QUICK, "user.enabled=true", "user.epochs=1", "user.replay=500"]
    run_cmd(["dvc", "exp", "run", *[arg for o in teach for arg in ("-S", o)]], repo, timeout=1200)
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    assert "userdata" in [d["path"] for d in lock["stages"]["userdata"]["deps"]]  # dvc.lock versions the dataset
    info = json.loads((repo / "artifacts/metrics/userdata.json").read_text())
    assert info["records"] == 60 and info["writers"] == 1 and info["split_by_session"] == ["tester"]
    held = info["digits"]["held_out"]
    assert 0 < held < 60 and info["digits"]["train"] == 60 - held
    adapt = json.loads((repo / "artifacts/metrics/adapt.json").read_text())
    assert adapt["enabled"] and adapt["before"]["held_out"] == held and "mnist_val_accuracy" in adapt["after"]
    ev = json.loads((repo / "artifacts/metrics/eval.json").read_text())
    assert ev["user"]["examples"] == held and sum(map(sum, ev["user"]["confusion"])) == held
    assert json.loads((repo / "artifacts/metrics/headline.json").read_text())["your_digits"] == ev["user"]["accuracy"]
    assert (repo / "artifacts/model/model.onnx").read_bytes() != default
    # training itself did not run again: the person's digits reach the model through adapt only
    assert lock["stages"]["train"] == trained
    # leaving the dataset (and the option) builds exactly the default model again
    import shutil

    shutil.rmtree(repo / "userdata" / "records")
    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK], repo)
    run_cmd(["dvc", "repro"], repo, timeout=1200)
    assert (repo / "artifacts/model/model.onnx").read_bytes() == default


def test_a_teammate_pulls_the_outputs_and_run_cache_and_runs_nothing_again(repo, tmp_path):
    """A second clone with an empty cache, as a teammate or a CI runner has it: after `dvc pull --run-cache`,
    `dvc repro` runs no stage, and `dvc exp run --pull` of an experiment a teammate ran and pushed
    (`dvc exp push --run-cache`) restores every stage of it instead of training again."""
    from pipeline.sandbox import GIT_ENV

    origin, remote = tmp_path / "origin.git", tmp_path / "team-remote"
    run_cmd(["git", "init", "-q", "--bare", "-b", "main", str(origin)], tmp_path)
    run_cmd(["git", "remote", "add", "origin", str(origin)], repo)
    run_cmd(["dvc", "remote", "add", "--local", "-f", "team", str(remote)], repo)
    # the first clone: the quick pipeline committed and pushed, and one experiment on top of it
    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK], repo)
    run_cmd(["dvc", "repro"], repo, timeout=1200)
    run_cmd(["git", "add", "params.yaml", "dvc.lock"], repo)
    run_cmd(["git", "commit", "-q", "--allow-empty", "-m", "the quick pipeline"], repo, env=GIT_ENV)
    run_cmd(["git", "push", "-q", "origin", "HEAD:main"], repo)
    run_cmd(["dvc", "push", "-r", "team", "--run-cache"], repo, timeout=900)
    teammate = [arg for o in [*QUICK, "train.epochs=1", "train.seed=1234"] for arg in ("-S", o)]
    run_cmd(["dvc", "exp", "run", "-n", "seed-1234", *teammate], repo, timeout=1200)
    # with Hydra enabled, exp run recomposes params.yaml from conf/ plus the overrides
    assert yaml.safe_load((repo / "params.yaml").read_text())["train"]["epochs"] == 1
    assert len((repo / "artifacts/train/history.csv").read_text().splitlines()) == 2  # header + 1 epoch
    # an experiment touches no git-tracked file but params.yaml and dvc.lock
    changed = {line[3:] for line in run_cmd(["git", "status", "--porcelain"], repo).stdout.splitlines()}
    assert changed <= {"params.yaml", "dvc.lock"}, changed
    assert '"seed-1234"' in run_cmd(["dvc", "exp", "show", "--json"], repo).stdout
    run_cmd(["dvc", "exp", "push", "-r", "team", "--run-cache", "origin", "seed-1234"], repo, timeout=900)

    mate = tmp_path / "mate"
    run_cmd(["git", "clone", "-q", str(origin), str(mate)], tmp_path)
    run_cmd(["dvc", "remote", "add", "--local", "-d", "-f", "team", str(remote)], mate)
    run_cmd(["dvc", "pull", "--run-cache"], mate, timeout=900)
    repro = run_cmd(["dvc", "repro"], mate, timeout=900).stdout
    assert "Running stage" not in repro, repro
    assert "up to date" in run_cmd(["dvc", "status"], mate).stdout

    # the same experiment run here: every stage restored from the pushed run-cache, none run
    exp = run_cmd(["dvc", "exp", "run", "--pull", *teammate], mate, timeout=900).stdout
    assert "Running stage" not in exp, exp
    assert "Stage 'train' is cached" in exp, exp
    assert len((mate / "artifacts/train/history.csv").read_text().splitlines()) == 2  # its one epoch
