"""The ``python -m`` tools beside the stages: ``compose`` (conf/ into params.yaml), ``publish``
(the pipeline's model into the app, if it passes the accuracy check), ``ensemble`` (several
trained models as one) and ``seeds`` (a seed sweep's mean and spread). No stage imports them."""
