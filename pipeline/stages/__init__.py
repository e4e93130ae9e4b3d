"""The DVC stages, one module each (``python -m pipeline.stages.<name>``; see ``dvc.yaml``).

Each is a thin entry point: read params and inputs, call the library, write outputs. No
stage imports another (an import-linter contract in ``pyproject.toml`` checks it), and each
stage's ``deps:`` in ``dvc.yaml`` lists exactly the project modules it imports (a test).
"""
