"""The DVC pipeline: the stages in ``pipeline/stages/`` (download, render, openset, train, gate,
export, evaluate, report; see ``dvc.yaml``), the library they share, and the ``python -m``
tools ``compose``, ``publish``, ``ensemble`` and ``seeds``."""
