"""The report's Plotly figures, one function a section, grouped by subject: :mod:`.training`
(curves, the seed's figures), :mod:`.mnist` (the test set: class counts, confusion, per-class
scores, errors, one digit), :mod:`.open_world` (drawn digits, numbers, photos), :mod:`.gate`
(not a digit), :mod:`.model` (layers, the int8 edge model), :mod:`.user` (the person's digits).
They share :mod:`.pictures` (pictures in subplots) and :mod:`.bars` (bars labelled with a
percentage). Plotly is imported where a figure is drawn, so that reading the inputs or writing
the summary never loads it."""
