"""The datasets the data stages assemble from the picture generators in ``pipeline/synth/``: the
open-world test sets (``testsets``, read by evaluate through the app's reader as ``plans``), the
gate's non-digits and the digits as the app frames them (``trainsets``), the gate's split of MNIST's
training set (``splits``), and the worker pool that makes them the same on any number of cores
(``parallel``)."""
