"""The DVC pipeline: the stages in ``pipeline/stages/`` (download, render, openset, userdata, train,
adapt, gate, export, evaluate, report; see ``dvc.yaml``) and the library they share: the picture
generators (``synth/``), the datasets made from them (``sets/``), the networks and their training and
export (``learn/``, the library's only part that imports TensorFlow), the report (``report/``), params.yaml's
schema (``config/``), artifact I/O and the run machinery at the top level; in ``pipeline/tools/`` the
``python -m`` tools ``compose``, ``publish``, ``ensemble`` and ``seeds``."""
