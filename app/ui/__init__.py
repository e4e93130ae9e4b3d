"""The window's widgets (PyQt5). They only draw and report what the user did; :mod:`app.controller` decides.

- :mod:`app.ui.canvas`: the square drawing area (strokes as vectors; boxes show what was read where).
- :mod:`app.ui.result`: the answer, worded by :mod:`app.wording`, the top three and the ten probabilities.
- :mod:`app.ui.pixels`: the 28x28 inputs the model saw, as a heatmap or pixel values.
- :mod:`app.ui.history`: the last readings; a click brings a drawing back.
- :mod:`app.ui.window`: menus, toolbar, layout, status bar; the controller's :class:`~app.controller.View`.
- :mod:`app.ui.dialogs`, :mod:`app.ui.style`, :mod:`app.ui.convert`: fixed texts, colours, pixels.

Colours come from the palette (light, dark or the system's), sizes from font metrics, so
text is never clipped and stays readable at any device pixel ratio.
"""
