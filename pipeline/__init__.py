"""The DVC pipeline: the stages in ``pipeline/stages/`` (download, render, openset, userdata, train,
adapt, gate, export, evaluate, report; see ``dvc.yaml``), the library they share, and in
``pipeline/tools/`` the ``python -m`` tools ``compose``, ``publish``, ``ensemble`` and ``seeds``."""
