"""The one typed, validated view of ``params.yaml`` that every stage reads.

``params.yaml`` is what Hydra composes from ``conf/`` (see :mod:`pipeline.tools.compose`).
Stages never read it as a raw dict: the loader (:func:`pipeline.config.core.load`) turns the
groups a stage reads into frozen pydantic models and rejects unknown keys, missing keys, wrong
types, out-of-range numbers and unknown choices *before* any work starts, listing every
problem with the key, the value found and what is allowed.

One module per group (``data``, ``model``, ``train``, ``augment``, ``families``, ``render``,
``openset``, ``gate``, ``export``, ``evaluate``, ``report``, ``publish``, ``user``) on a small
core (``core``: reading, loading; ``errors``: :class:`~pipeline.config.errors.ParamsError` and
its wording). A stage imports only the groups it reads, so its ``deps:`` in ``dvc.yaml`` (its
import closure) change only when they do: a new report option does not train the model again.
:mod:`pipeline.config.params` holds :class:`~pipeline.config.params.Params`, the whole file
(for ``compose``, the tools and the tests), and names every public name in one place.

This file holds no code: a package's ``__init__`` runs on every import of a group module
but is no module of the import closures that ``dvc.yaml``'s deps list.
"""
