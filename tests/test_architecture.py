"""The pipeline's shape: stages import no stage, dvc.yaml's deps are the stages' import closures."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from tests.helpers import ROOT

STAGES = [
    "download",
    "render",
    "openset",
    "userdata",
    "train",
    "adapt",
    "gate",
    "strings",
    "export",
    "evaluate",
    "report",
]


@pytest.fixture(scope="module")
def graph():
    import grimp

    return grimp.build_graph("pipeline", "app", cache_dir=None)


@pytest.fixture(scope="module")
def dvc_stages():
    """Each stage's fields, an output's options (``cache: false``) left out: every list holds paths."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    for stage in stages.values():
        for field in ("deps", "outs", "metrics", "plots"):
            if field in stage:
                stage[field] = [p if isinstance(p, str) else next(iter(p)) for p in stage[field]]
    return stages


def module_file(module: str) -> str:
    path = Path(*module.split("."))
    return (path / "__init__.py").as_posix() if (ROOT / path).is_dir() else f"{path.as_posix()}.py"


def closure(graph, module: str) -> set[str]:
    """The project modules ``module`` imports, directly or not, function-level imports included."""
    return {module, *graph.find_upstream_modules(module)}


@pytest.mark.parametrize("stage", STAGES)
def test_dvc_deps_are_exactly_the_stage_import_closure(graph, dvc_stages, stage):
    spec = dvc_stages[stage]
    module = spec["cmd"].removeprefix("python -m ").split()[0]
    assert module == f"pipeline.stages.{stage}"
    code_deps = {d for d in spec["deps"] if d.endswith(".py")}
    imported = {module_file(m) for m in closure(graph, module)}
    assert code_deps == imported, (
        f"dvc.yaml's deps for {stage} drifted from what it imports:\n"
        f"  imported, not in deps: {sorted(imported - code_deps)}\n"
        f"  in deps, not imported: {sorted(code_deps - imported)}"
    )


def test_no_stage_imports_another(graph):
    for stage in STAGES:
        others = {f"pipeline.stages.{s}" for s in STAGES if s != stage}
        assert not closure(graph, f"pipeline.stages.{stage}") & others, stage


def test_package_inits_hold_no_code():
    """Import closures leave ``__init__`` modules out, so they must not hold code a stage runs."""
    for init in [*ROOT.glob("pipeline/**/__init__.py"), ROOT / "app" / "__init__.py"]:
        body = ast.parse(init.read_text()).body
        assert all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body), init


def test_the_library_contract_lists_every_library_module():
    """The import-linter contract names modules one by one; a new module must not slip past it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (library,) = [c for c in config if c["name"] == "Library modules never import a stage"]
    modules = {f"pipeline.{p.stem}" for p in (ROOT / "pipeline").glob("*.py") if p.stem != "__init__"}
    modules |= {f"pipeline.{p.parent.name}" for p in (ROOT / "pipeline").glob("*/__init__.py")} - {"pipeline.stages"}
    assert set(library["source_modules"]) == modules


def test_the_tensorflow_contract_lists_every_module_but_learn_and_its_users():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (library,) = [c for c in config if c["name"] == "Library modules never import a stage"]
    (tf,) = [c for c in config if c["name"].startswith("Only pipeline.learn")]
    no_tf_stages = {f"pipeline.stages.{s}" for s in ("download", "render", "openset", "evaluate", "report", "userdata")}
    with_tf = {"pipeline.learn", "pipeline.tools"}
    assert set(tf["source_modules"]) == set(library["source_modules"]) - with_tf | no_tf_stages


def test_the_parts_of_the_pipeline_import_each_other_one_way(graph):
    """With a package as one node (``pipeline.learn``, ``pipeline.sets``, ``pipeline.config``, ...)."""
    from graphlib import TopologicalSorter

    def part(module: str) -> str:
        return ".".join(module.split(".")[:2])

    deps: dict[str, set[str]] = {}
    for module in graph.modules:
        if module.startswith("pipeline."):
            for target in graph.find_modules_directly_imported_by(module):
                if target.startswith("pipeline.") and part(target) != part(module):
                    deps.setdefault(part(module), set()).add(part(target))
    order = list(TopologicalSorter(deps).static_order())  # raises CycleError on a cycle
    assert order.index("pipeline.stages") > order.index("pipeline.learn")


def test_import_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    proc = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_the_classifier_does_not_depend_on_the_non_digits(dvc_stages):
    """The classifier reads the framed digits only: a change to the gate's generated non-digits
    (openset.npz) must not train it again."""
    assert {"artifacts/data/openset.npz", "artifacts/data/framed.npz"} <= set(dvc_stages["openset"]["outs"])
    assert "artifacts/data/framed.npz" in dvc_stages["train"]["deps"]
    assert "artifacts/data/openset.npz" not in dvc_stages["train"]["deps"]
    assert "OPENSET_NPZ" not in (ROOT / "pipeline" / "stages" / "train.py").read_text()


def test_the_gate_does_not_depend_on_the_apps_reader(dvc_stages):
    """The gate learns from framed.npz: a change to how the app reads pictures trains it again only
    through that file, never because its stage imports the reader."""
    deps = set(dvc_stages["gate"]["deps"])
    assert "artifacts/data/framed.npz" in deps
    assert not deps & {"app/reader.py", "app/preprocess.py", "pipeline/sets/trainsets.py", "pipeline/sets/testsets.py"}
    assert not [d for d in deps if d.startswith("pipeline/synth/")]


@pytest.mark.parametrize("edited", ["pipeline/config/report.py", "app/version.py"])
def test_a_report_option_or_a_release_cannot_change_what_trains(dvc_stages, edited):
    """Each stage imports only the config groups it reads: a new report option (or the app's version)
    changes no dep of train or gate, so DVC neither trains the classifier nor the gate again."""
    assert (ROOT / edited).is_file()
    for stage in ("train", "gate"):
        assert edited not in dvc_stages[stage]["deps"], stage
    assert "pipeline/config/report.py" in dvc_stages["report"]["deps"]  # the report does read it


def _loaded_view(stage: str) -> type:
    """The Sections model a stage passes to ``load(...)``: the groups of params.yaml it reads."""
    import importlib

    module = importlib.import_module(f"pipeline.stages.{stage}")
    tree = ast.parse(Path(module.__file__).read_text())
    (name,) = {
        n.args[0].id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "load" and isinstance(n.args[0], ast.Name)
    }
    return getattr(module, name)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_loads_the_groups_its_dvc_params_name(dvc_stages, stage):
    """What a stage validates and reads is what dvc.yaml says it depends on (``params:``)."""
    named = {p.split(".")[0] for p in dvc_stages[stage]["params"]}
    assert set(_loaded_view(stage).model_fields) == named
