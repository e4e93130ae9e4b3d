"""The window's fixed texts and dialogs: the file filter, the shortcut list."""

from __future__ import annotations

import json

from app.inference import ModelInfo

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
SHORTCUTS = [
    ("Enter", "Run: read the drawing"),
    ("Esc", "Clear the canvas (undoable)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / Redo (strokes, Clear, Open; right after a save, the save)"),
    ("E", "Eraser on/off"),
    ("[ and ]", "Thinner / thicker pen"),
    ("Ctrl+O", "Open a picture (or drop a file on the window)"),
    ("Ctrl+V", "Paste a picture from the clipboard"),
    ("Ctrl+S", "Save the drawing as PNG"),
    ("Ctrl+C", "Copy the answer"),
    ("0-9, F2", "Type what you wrote (Enter saves it to your digits)"),
    ("Ctrl+Enter", "The answer is right: save it to your digits"),
    ("Click a digit's tag", "Pick the right digit for it (or click its bar on the right)"),
    ("Ctrl+Q", "Quit"),
    ("F1", "This list"),
]


def shortcuts_table() -> str:
    """The shortcut list as an HTML table (our own fixed text, escaped)."""
    import html

    rows = "".join(
        f"<tr><td style='padding-right:18px'><b>{html.escape(k)}</b></td><td>{html.escape(w)}</td></tr>"
        for k, w in SHORTCUTS
    )
    return f"<table>{rows}</table>"


def about_text(info: ModelInfo | None) -> str:
    """Help > About: the version and the model's metadata and provenance, as plain text."""
    from app.version import version

    lines = [f"Digit Classifier {version()}", "Draw a digit or a number, or open a picture, and see it read."]
    if info is not None:
        lines += _model_lines(info)
    return "\n".join(lines)


def _model_lines(info: ModelInfo) -> list[str]:
    meta = info.metadata
    params = meta.get("parameters", "")
    lines = [
        "",
        f"Model: {info.path}",
        f"Name: {info.name}, {int(params):,} parameters" if params.isdigit() else f"Name: {info.name}",
        f"MNIST test accuracy: {100 * info.test_accuracy:.2f}%" if info.test_accuracy else "Accuracy: unknown",
        f"Params hash: {meta.get('params_hash', 'unknown')}",
        f"Not-a-digit rule: {meta.get('reject_rule', 'none (this model cannot tell non-digits)')}",
    ]
    if info.published:
        pub = info.published
        lines.append(f"Published: {pub.get('date', '?')} from commit {pub.get('git_commit', '?')}")
    if meta.get("versions"):
        try:
            built = ", ".join(f"{k} {v}" for k, v in sorted(json.loads(meta["versions"]).items()))
        except (ValueError, AttributeError):
            built = meta["versions"]
        lines.append(f"Built with: {built}")
    if meta.get("quantization"):
        lines.append(f"Quantization: {meta['quantization']}")
    return lines
