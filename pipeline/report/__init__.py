"""The report: Plotly HTML that opens offline, built from what the other stages wrote. No TensorFlow.

``index.html`` has one section per topic (training curves, confusion matrix and per-class
figures, misclassified digits, one digit as a pixel matrix next to its heatmap, class
counts, the model against the seed's published figures) and loads ``plotly.min.js`` from
beside it: no CDN, no internet. ``make screenshot`` takes its picture (outside DVC: a
screenshot depends on the browser installed, not only on the pipeline's inputs).

:mod:`.inputs` reads and checks what the other stages wrote, :mod:`.figures` draws one figure
a section, :mod:`.sections` names the sections and picks the figures the inputs allow,
:mod:`.summary` writes the table at the top and :mod:`.page` puts the page together.
"""
