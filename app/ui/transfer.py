"""Files in and out of the window: open and save dialogs (each remembering its own folder), the
clipboard, drag and drop, and the model list. A mixin of :class:`app.ui.window.MainWindow`."""

from __future__ import annotations

from pathlib import Path

from PyQt5.QtCore import QMimeData, Qt, QUrl
from PyQt5.QtGui import QImage
from PyQt5.QtWidgets import QApplication, QFileDialog

from app.ui.convert import qimage_to_rgba
from app.ui.dialogs import IMAGE_FILTER
from app.ui.style import plain_tooltip

#: Models opened by hand stay in the model list for this many of the most recent.
RECENT_MODELS = 5


def dropped_file(data: QMimeData | None) -> str | None:
    """The local file a drop or the clipboard names: a file URI, or plain text that is a path to a file."""
    if data is None:
        return None
    if data.hasUrls():
        files = [u.toLocalFile() for u in data.urls() if u.isLocalFile()]
        if files:
            return files[0]
    if data.hasText():
        text = data.text().strip().splitlines()[0].strip() if data.text().strip() else ""
        path = QUrl(text).toLocalFile() if text.startswith("file:") else text
        if path and Path(path).expanduser().is_file():
            return str(Path(path).expanduser())
    return None


class Transfers:
    """What the window does with files, the clipboard and drops (needs the window's signals and settings)."""

    # ----------------------------------------------------------- folders
    def _folder(self, kind: str) -> str:
        """The folder the ``kind`` dialog ("picture", "model" or "save") last used, else home."""
        folder = str(self.settings.value(f"folders/{kind}", "", type=str))
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _remember_folder(self, kind: str, path: str) -> None:
        self.settings.setValue(f"folders/{kind}", str(Path(path).parent))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a picture of a digit or a number", self._folder("picture"), IMAGE_FILTER
        )
        if path:
            self._remember_folder("picture", path)
            self.open_requested.emit(path)

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an ONNX model", self._folder("model"), "ONNX models (*.onnx);;All files (*)"
        )
        if path:
            self._remember_folder("model", path)
            self.model_requested.emit(path)

    def choose_save(self) -> None:
        default = str(Path(self._folder("save")) / "drawing.png")
        path, _ = QFileDialog.getSaveFileName(self, "Save the drawing", default, "PNG images (*.png)")
        if path:
            self.save_requested.emit(path)
            if Path(path).with_suffix(".png").exists() or Path(path).exists():
                self._remember_folder("save", path)  # only a folder the drawing could be saved to

    # ----------------------------------------------------------- clipboard, drops
    def paste_clipboard(self) -> None:
        data = QApplication.clipboard().mimeData()
        if data is not None and data.hasImage():
            image = QImage(data.imageData())
            if not image.isNull():
                self.paste_requested.emit(qimage_to_rgba(image))
                return
        path = dropped_file(data)
        if path is not None:
            self.open_requested.emit(path)
            return
        self.show_error(
            "Nothing to paste",
            "The clipboard holds no picture. Copy an image, an image file or a picture's path first.",
        )

    def dragEnterEvent(self, event) -> None:
        data = event.mimeData()
        if dropped_file(data) is not None or data.hasImage():
            event.acceptProposedAction()
            self.canvas.set_drop_hint(True)  # the canvas says where it will go

    def dragLeaveEvent(self, event) -> None:
        self.canvas.set_drop_hint(False)

    def dropEvent(self, event) -> None:
        self.canvas.set_drop_hint(False)
        data = event.mimeData()
        path = dropped_file(data)
        if path is not None:
            self.open_requested.emit(path)
        elif data.hasImage():
            self.paste_requested.emit(qimage_to_rgba(QImage(data.imageData())))
        event.acceptProposedAction()

    # ----------------------------------------------------------- the model list
    def _opened_models(self) -> list[str]:
        value = self.settings.value("models/opened", [], type=list)
        return [p for p in value if isinstance(p, str) and Path(p).is_file()]

    def remember_model(self, path: Path) -> None:
        """A model opened by hand joins the list (the most recent first) and stays in it across runs."""
        from app.contract import PIPELINE_MODEL, PUBLISHED_MODEL

        resolved = str(Path(path).resolve())
        known = {str(Path(p).resolve()) for p in (PIPELINE_MODEL, PIPELINE_MODEL.with_name("model.int8.onnx"))}
        if resolved in known | {str(PUBLISHED_MODEL.resolve())}:
            return
        opened = [resolved, *(p for p in self._opened_models() if p != resolved)][:RECENT_MODELS]
        self.settings.setValue("models/opened", opened)

    def _fill_models(self, current: Path) -> None:
        from app.contract import PIPELINE_MODEL, PUBLISHED_MODEL

        choices: list[tuple[str, str]] = []
        for label, path in (
            ("Pipeline float", PIPELINE_MODEL),
            ("Pipeline int8", PIPELINE_MODEL.with_name("model.int8.onnx")),
            ("Published (app)", PUBLISHED_MODEL),
        ):
            if Path(path).is_file() and Path(path).stat().st_size > 0:
                choices.append((label, str(Path(path).resolve())))
        for path in self._opened_models():
            if path not in [c[1] for c in choices]:
                choices.append((Path(path).name, path))
        if str(current.resolve()) not in [c[1] for c in choices]:
            choices.insert(0, (current.name, str(current.resolve())))
        self.model_box.blockSignals(True)
        self.model_box.clear()
        for label, path in choices:
            self.model_box.addItem(label, path)
            self.model_box.setItemData(self.model_box.count() - 1, plain_tooltip(path), Qt.ToolTipRole)
        self.model_box.addItem("Other…", "")
        self.model_box.setCurrentIndex([c[1] for c in choices].index(str(current.resolve())))
        self.model_box.blockSignals(False)

    def _model_chosen(self, index: int) -> None:
        path = self.model_box.itemData(index)
        if path:
            self.model_requested.emit(path)
        else:
            self.choose_model()
            if self.model_info is not None:
                self._fill_models(self.model_info.path)
