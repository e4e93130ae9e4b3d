"""The DVC pipeline: download, train, evaluate, export, report, publish (see dvc.yaml)."""
