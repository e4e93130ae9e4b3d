"""The main window: menus, toolbar, layout, status bar; the controller's :class:`~app.controller.View`."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from PyQt5.QtCore import QPoint, QSettings, QSize, Qt, QTimer, QUrl, pyqtSignal
from PyQt5.QtGui import (
    QDesktopServices,
    QFontMetricsF,
    QKeySequence,
)
from PyQt5.QtWidgets import (
    QWIDGETSIZE_MAX,
    QAbstractButton,
    QAbstractSpinBox,
    QAction,
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QSlider,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import wording
from app.document import DEFAULT_PEN, Document, Frame
from app.reading import Reading
from app.ui.canvas import Canvas, SquareBox
from app.ui.dialogs import about_text, shortcuts_table
from app.ui.history import HistoryStrip
from app.ui.pixels import InputView
from app.ui.result import ResultPanel
from app.ui.style import app_icon, dark_palette, is_dark, plain_tooltip
from app.ui.transfer import Transfers

#: Background work shows its dialog (with Cancel) only after this long: most of it is done before.
BUSY_AFTER_MS = 400

#: The pen slider in the palette's own colours, a groove that shows on light and dark alike.
SLIDER_STYLE = """
QSlider::groove:horizontal { height: 4px; background: palette(dark); border-radius: 2px; }
QSlider::sub-page:horizontal { background: palette(highlight); border-radius: 2px; }
QSlider::handle:horizontal {
    width: 12px; margin: -5px 0; border-radius: 6px;
    background: palette(button); border: 1px solid palette(dark);
}
"""


#: The title over the model's inputs; with several, how to see another one's bars.
SEEN = "What the model saw (28×28)"
SEEN_SEVERAL = "What the model saw (28×28): click one for its bars"


class MainWindow(Transfers, QMainWindow):
    """The window: the controller's view. Turns menus, buttons, keys, drops and pastes into signals."""

    run_requested = pyqtSignal()
    clear_requested = pyqtSignal()
    undo_requested = pyqtSignal()
    redo_requested = pyqtSignal()
    open_requested = pyqtSignal(str)
    model_requested = pyqtSignal(str)
    save_requested = pyqtSignal(str)
    paste_requested = pyqtSignal(object)  # numpy pixels or bytes
    live_toggled = pyqtSignal(bool)
    recall_requested = pyqtSignal(int)
    copy_requested = pyqtSignal()
    correct_requested = pyqtSignal(int, str)  # piece index (the answer's, then set aside), the digit written
    answer_typed = pyqtSignal(str)  # the whole answer, typed
    confirm_requested = pyqtSignal()  # the answer is right
    userdata_requested = pyqtSignal()  # show the folder of the person's digits

    def __init__(self, live: bool | None = True, settings: QSettings | None = None) -> None:
        """``live``: read while drawing; None takes the last run's choice (on by default)."""
        super().__init__()
        self.settings = settings or QSettings("digit-classifier", "digit-app")
        self.setWindowTitle("Digit Classifier")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.system_palette = QApplication.palette()
        self.last_error: tuple[str, str] | None = None
        self.error_box: QMessageBox | None = None
        self.busy: QProgressDialog | None = None  # work the person may stop (checking a model)
        self.reading: Reading | None = None
        self.reading_note = ""  # a caution shown under the answer (several lines of writing)
        self.reading_stale = False  # the answer is out of date (the drawing changed, Live is off)
        self.model_info = None
        self.focus_index = 0  # the piece whose bars the result panel shows
        self.digit_menu: QMenu | None = None

        self.canvas = Canvas()
        self.result = ResultPanel()
        self.input_view = InputView()
        self.history = HistoryStrip()
        if live is None:
            live = self.settings.value("live", True, type=bool)
        self._build_actions(live)
        self._build_toolbar()
        self._build_menus()
        self._build_layout()
        self.userdata_label = QLabel(wording.your_digits(0))
        self.userdata_label.setTextFormat(Qt.PlainText)
        self.statusBar().addPermanentWidget(self.userdata_label)
        self.model_label = QLabel()
        self.model_label.setTextFormat(Qt.PlainText)
        self.statusBar().addPermanentWidget(self.model_label)
        self.statusBar().addPermanentWidget(self.model_box)

        self.input_view.piece_clicked.connect(self._focus_piece)
        self.canvas.piece_chosen.connect(self.pick_digit)
        self.result.bars.digit_clicked.connect(self._bar_clicked)
        self.result.answer.returnPressed.connect(self._answer_entered)
        self.result.answer.cancelled.connect(self.end_answer)
        self.history.recall.connect(self.recall_requested)
        self.set_dark(self.settings.value("dark", is_dark(self.system_palette), type=bool), save=False)
        self.pen_slider.setFocusPolicy(Qt.ClickFocus)
        self.pen_slider.setValue(self.settings.value("pen", self.pen_slider.value(), type=int))
        # a usable window: the canvas, the answer and a few bars always fit (it could shrink to 68x146)
        self.setMinimumSize(self._minimum_size())
        self.canvas.setFocus()

    # ------------------------------------------------------------- actions
    def _action(self, text: str, shortcut=None, slot=None, tip: str = "", checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.WindowShortcut)
        if tip:
            act.setToolTip(tip)
            act.setStatusTip(tip)
        act.setCheckable(checkable)
        if slot is not None:
            (act.toggled if checkable else act.triggered).connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self, live: bool) -> None:
        self.act_run = self._action("&Run", None, lambda: self.run_requested.emit(), "Read the drawing (Enter)")
        self.act_open = self._action("&Open image…", "Ctrl+O", self.choose_file, "Open a picture (Ctrl+O)")
        self.act_model = self._action("Open &model…", None, self.choose_model, "Use another ONNX model")
        self.act_save = self._action("&Save drawing…", "Ctrl+S", self.choose_save, "Save as PNG (Ctrl+S)")
        self.act_quit = self._action("&Quit", "Ctrl+Q", self.close)
        self.act_undo = self._action("&Undo", "Ctrl+Z", lambda: self.undo_requested.emit())
        self.act_redo = self._action("&Redo", "Ctrl+Shift+Z", lambda: self.redo_requested.emit())
        self.act_clear = self._action("&Clear", Qt.Key_Escape, lambda: self.clear_requested.emit(), "Clear (Esc)")
        self.act_copy = self._action("&Copy result", "Ctrl+C", lambda: self.copy_requested.emit())
        self.act_paste = self._action("&Paste image", "Ctrl+V", self.paste_clipboard)
        self.act_matrix = self._action("Show &pixel values", None, self._show_values, checkable=True)
        self.act_guides = self._action(
            "Writing &guides", None, self.canvas.set_guides, "A baseline and cells to write a number in", checkable=True
        )
        self.act_dark = self._action("&Dark mode", None, self.set_dark, checkable=True)
        self.act_live = self._action(
            "&Live", None, lambda on: self.live_toggled.emit(on), "Read while drawing", checkable=True
        )
        self.act_live.setChecked(live)
        # the toolbar button says its state in words: a pressed look alone is easy to miss
        self.act_live.toggled.connect(self._label_live)
        self._label_live(live)
        self.act_eraser = self._action("&Eraser", "E", self.canvas.set_eraser, "Erase ink (E)", checkable=True)
        self.act_thinner = self._action("Thinner pen", "[", lambda: self._step_pen(-1))
        self.act_thicker = self._action("Thicker pen", "]", lambda: self._step_pen(1))
        self.act_right = self._action(
            "&Right ✓",
            "Ctrl+Return",
            lambda: self.confirm_requested.emit(),
            "The answer is right: save it to your digits (Ctrl+Enter)",
        )
        self.act_right.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.act_correct = self._action(
            "&Correct…", "F2", lambda: self.begin_answer(), "Type what you wrote (F2, or just type the digits)"
        )
        self.act_userdata = self._action(
            "Open my &digits folder", None, lambda: self.userdata_requested.emit(), "Where your saved digits are kept"
        )
        self.act_keys = self._action("&Keyboard shortcuts", "F1", self.show_shortcuts)
        self.act_about = self._action("&About", None, self.show_about)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self._teachable()

    def _build_toolbar(self) -> None:
        bar = QToolBar("Tools")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for act in (self.act_run, self.act_clear, self.act_undo, self.act_redo, self.act_open):
            bar.addAction(act)
        bar.addSeparator()
        bar.addWidget(QLabel(" Pen "))
        self.pen_slider = QSlider(Qt.Horizontal)
        self.pen_slider.setRange(2, 20)  # in 150ths of the canvas side
        self.pen_slider.setValue(round(DEFAULT_PEN * 150))
        self.pen_slider.setMaximumWidth(120)
        # Fusion draws the groove a shade off the window colour: invisible on the dark palette
        self.pen_slider.setStyleSheet(SLIDER_STYLE)
        self.pen_slider.setToolTip("Pen width ([ and ])")
        self.pen_slider.valueChanged.connect(lambda v: self.canvas.set_pen(v / 150))
        bar.addWidget(self.pen_slider)
        bar.addAction(self.act_eraser)
        bar.addSeparator()
        bar.addAction(self.act_live)
        bar.addSeparator()
        bar.addAction(self.act_right)
        bar.addAction(self.act_correct)
        self.model_box = QComboBox()
        self.model_box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.model_box.setToolTip("The ONNX model that reads the drawing")
        self.model_box.activated.connect(self._model_chosen)
        self.addToolBar(bar)
        self.toolbar = bar
        for act in (
            self.act_run,
            self.act_clear,
            self.act_undo,
            self.act_redo,
            self.act_open,
            self.act_eraser,
            self.act_live,
            self.act_right,
            self.act_correct,
        ):
            button = bar.widgetForAction(act)
            if button is not None:
                button.setFocusPolicy(Qt.StrongFocus)  # reachable with Tab, pressed with Enter or Space

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file = menus.addMenu("&File")
        for act in (self.act_open, self.act_model, self.act_save):
            file.addAction(act)
        file.addSeparator()
        file.addAction(self.act_userdata)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = menus.addMenu("&Edit")
        for act in (self.act_undo, self.act_redo, self.act_clear):
            edit.addAction(act)
        edit.addSeparator()
        for act in (self.act_copy, self.act_paste):
            edit.addAction(act)
        edit.addSeparator()
        for act in (self.act_eraser, self.act_thinner, self.act_thicker, self.act_live, self.act_run):
            edit.addAction(act)
        edit.addSeparator()
        edit.addAction(self.act_right)
        edit.addAction(self.act_correct)
        view = menus.addMenu("&View")
        view.addAction(self.act_matrix)
        view.addAction(self.act_guides)
        view.addAction(self.act_dark)
        helps = menus.addMenu("&Help")
        helps.addAction(self.act_keys)
        helps.addAction(self.act_about)
        self.menus = {"file": file, "edit": edit, "view": view, "help": helps}

    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(SquareBox(self.canvas), 1)
        left.addWidget(self.history)
        seen = self.seen = QGroupBox(SEEN)
        seen_layout = QVBoxLayout(seen)
        seen_layout.setContentsMargins(4, 4, 4, 4)
        self.input_scroll = QScrollArea()  # the pixel values keep legible cells and scroll when space is short
        self.input_scroll.setWidget(self.input_view)
        self.input_scroll.setWidgetResizable(True)
        self.input_scroll.setFrameShape(QScrollArea.NoFrame)
        self.input_scroll.setFocusPolicy(Qt.NoFocus)  # a Tab stop that shows no focus; the wheel still scrolls
        seen_layout.addWidget(self.input_scroll, 1)
        right = QVBoxLayout()
        right.addWidget(self.result, 3)
        right.addWidget(seen, 2)
        self.right = right
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 6)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        # on a small or heavily scaled screen the content scrolls: the window never outgrows the screen
        scroll = QScrollArea()
        scroll.setWidget(central)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setFocusPolicy(Qt.NoFocus)
        self.setCentralWidget(scroll)

    def _minimum_size(self) -> QSize:
        """Room for the answer panel and a canvas 16 lines wide, 22 lines tall, within the screen: at 30 x 20
        lines (510 x 340 with a 17 px line) the canvas was 115 px wide, its foot cut off, and the status
        message ran into the permanent figures (a helper's check in a real window)."""
        line = QFontMetricsF(self.font()).height()
        width, height = max(int(30 * line), self.result.minimumSizeHint().width() + int(16 * line)), int(22 * line)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width, height = min(width, int(0.9 * screen.width())), min(height, int(0.9 * screen.height()))
        return QSize(width, height)

    def remembered_size(self) -> tuple[int, int] | None:
        """The size the window had when the last run closed it, if any."""
        size = self.settings.value("window/size", None)
        return (size.width(), size.height()) if isinstance(size, QSize) and size.isValid() else None

    def closeEvent(self, event) -> None:
        """Remember the window's size, the pen and Live for the next run."""
        if not self.isMaximized() and not self.isFullScreen():
            self.settings.setValue("window/size", self.size())
        self.settings.setValue("pen", self.pen_slider.value())
        self.settings.setValue("live", self.act_live.isChecked())
        super().closeEvent(event)

    # ------------------------------------------------------------- View verbs
    def show_document(self, document: Document) -> None:
        self.canvas.set_document(document)
        self.canvas.set_reading(None)

    def show_reading(
        self, reading: Reading, *, stale: bool = False, note: str = "", frame: Frame | None = None
    ) -> None:
        self.reading, self.reading_note, self.reading_stale = reading, note, stale
        self._teachable()
        self.focus_index = 0
        pieces = [*reading.pieces, *reading.ignored]
        self.result.show_reading(reading, pieces[0] if pieces else None, stale, note)
        self.input_view.set_images([p.image for p in pieces], self._input_labels())
        # the bars are one piece's: say where the others' are (a helper writing numbers did not find them)
        self.seen.setTitle(SEEN_SEVERAL if len(pieces) > 1 else SEEN)
        if self.input_view.matrix:
            QTimer.singleShot(0, self.centre_values)
        self.canvas.set_reading(None if stale else reading, frame)

    def show_message(self, text: str) -> None:
        self.reading = None
        self._teachable()
        self.seen.setTitle(SEEN)
        self.result.show_message(text)
        self.input_view.set_images([])
        self.canvas.set_reading(None)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def show_error(self, title: str, text: str) -> None:
        self.last_error = (title, text)
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)
        box.setWindowModality(Qt.WindowModal)
        self.error_box = box
        box.open()

    def show_busy(self, text: str | None, cancel=None) -> None:
        """A dialog with Cancel (and Esc) for work in the background, shown only if it lasts: the
        reference model is checked in ~20 ms, a model that never answers is given up after 5 s."""
        if self.busy is not None:
            old, self.busy = self.busy, None
            with contextlib.suppress(TypeError):  # nothing connected
                old.canceled.disconnect()  # closing it emits canceled: not the person's doing
            old.hide()
            old.deleteLater()
        if text is None:
            return
        box = QProgressDialog(text, "Cancel", 0, 0, self)  # no range: a busy bar
        box.setWindowTitle("Digit Classifier")
        box.setWindowModality(Qt.WindowModal)
        box.setMinimumDuration(BUSY_AFTER_MS)
        box.setValue(0)  # starts the clock: without it the dialog never shows itself
        if cancel is not None:
            box.canceled.connect(cancel)
        self.busy = box

    def show_model(self, info) -> None:
        self.model_info = info
        acc = f"{100 * info.test_accuracy:.2f}%" if info.test_accuracy is not None else "accuracy unknown"
        pub = info.published
        where = f", published {pub.get('date', '')[:10]} from {pub.get('git_commit', '?')}" if pub else ""
        reject = "" if info.reject else " (cannot tell non-digits)"
        self.model_label.setText(f"{info.name} {acc}{reject}")
        # tooltips take rich text: metadata is shown escaped, as the text it is
        self.model_label.setToolTip(plain_tooltip(f"{info.path}\nMNIST test accuracy {acc}{where}"))
        self.remember_model(info.path)
        self._fill_models(info.path)

    def show_history(self, items: Sequence) -> None:
        self.history.set_items(items)

    def set_edit_state(self, can_undo: bool, can_redo: bool) -> None:
        self.act_undo.setEnabled(can_undo)
        self.act_redo.setEnabled(can_redo)

    def show_labels(self, labels: Sequence[str | None], note: str) -> None:
        self.canvas.set_labels(list(labels))
        self.input_view.set_labels(self._input_labels(labels))
        self.result.show_saved(note)

    def _input_labels(self, mine: Sequence[str | None] = ()) -> list[str]:
        """Captions of "What the model saw": what it read, and "7→1" where the person wrote otherwise."""
        if self.reading is None:
            return []
        out = []
        for i, p in enumerate([*self.reading.pieces, *self.reading.ignored]):
            read = "?" if self.reading.is_set_aside(p) else p.label
            label = mine[i] if i < len(mine) else None
            out.append(read if label is None or label == read else f"{read}→{label}")
        return out

    def show_userdata(self, count: int, folder: Path) -> None:
        self.userdata_label.setText(wording.your_digits(count))
        self.userdata_label.setToolTip(
            plain_tooltip(f"Digits you corrected or confirmed, saved in {folder}\n(File > Open my digits folder)")
        )

    def open_folder(self, folder: Path) -> None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.show_status(f"Opened {folder}")
        else:  # no file manager (a bare desktop, a container): say where it is
            self.show_status(f"Your digits are in {folder}")

    # ------------------------------------------------------------ corrections
    def pick_digit(self, index: int, pos: QPoint) -> None:
        """A digit's box was clicked: a menu of 0-9 under the pointer (a key or a click picks one)."""
        if self.reading is None or self.reading_stale:
            return
        self._focus_piece(index)
        menu = QMenu(self)
        pieces = [*self.reading.pieces, *self.reading.ignored]
        title = menu.addAction(f"Digit {index + 1} of {len(pieces)} is:")
        title.setEnabled(False)
        for d in range(10):
            act = menu.addAction(f"&{d}")
            act.triggered.connect(lambda _=False, d=d: self.correct_requested.emit(index, str(d)))
        self.digit_menu = menu
        menu.popup(pos)

    def _bar_clicked(self, digit: int) -> None:
        """A bar of the result panel: the piece it describes is that digit."""
        if self.reading is not None and not self.reading_stale:
            self.correct_requested.emit(self.focus_index, str(digit))

    def _teachable(self) -> None:
        """Right and Correct only with an answer to judge: on an empty canvas they looked ready and did nothing."""
        for act in (self.act_right, self.act_correct):
            act.setEnabled(self.reading is not None)

    def begin_answer(self, text: str | None = None) -> None:
        """Show the answer box, with ``text`` typed (default: the answer as read, selected to type over)."""
        if self.reading is None:
            self.show_status(wording.CORRECT_EMPTY)
            return
        edit = self.result.answer
        edit.show()
        edit.setFocus()
        if text is None:
            edit.setText(self.reading.number or "")
            edit.selectAll()
        else:
            edit.setText(text)
            edit.end(False)

    def end_answer(self) -> None:
        self.result.answer.hide()
        self.result.answer.clear()
        self.canvas.setFocus()

    def _answer_entered(self) -> None:
        text = self.result.answer.text()
        self.end_answer()
        self.answer_typed.emit(text)

    # ---------------------------------------------------------------- helpers
    def _focus_piece(self, index: int) -> None:
        if self.reading is None:
            return
        pieces = [*self.reading.pieces, *self.reading.ignored]
        if 0 <= index < len(pieces):
            self.focus_index = index
            saved = self.result.saved.text()
            self.result.show_reading(self.reading, pieces[index], self.reading_stale, note=self.reading_note)
            self.result.show_saved(saved)

    def _show_values(self, on: bool) -> None:
        """Pixel values: the inputs get most of the column, and the view scrolls to the ink."""
        self.input_view.set_matrix(on)
        # the answer keeps the room its text and bars need; the rest goes to the values
        self.result.setMaximumHeight(self.result.minimumSizeHint().height() if on else QWIDGETSIZE_MAX)
        self.right.setStretch(0, 1 if on else 3)
        self.right.setStretch(1, 4 if on else 2)
        QTimer.singleShot(0, self.centre_values)

    def centre_values(self) -> None:
        """Scroll the pixel values so the ink is in view (the field's corners are black)."""
        ink = self.input_view.ink_rect()
        if ink is not None:
            c, port = ink.center(), self.input_scroll.viewport().size()
            self.input_scroll.horizontalScrollBar().setValue(int(c.x() - port.width() / 2))
            self.input_scroll.verticalScrollBar().setValue(int(c.y() - port.height() / 2))

    def _label_live(self, on: bool) -> None:
        self.act_live.setIconText("Live: on" if on else "Live: off")

    def _step_pen(self, step: int) -> None:
        self.pen_slider.setValue(self.pen_slider.value() + step)

    def set_dark(self, on: bool, save: bool = True) -> None:
        app = QApplication.instance()
        if on:
            if app.style().objectName().lower() != "fusion":  # a new style object each time would leave
                app.setStyle("Fusion")  # style-sheeted widgets (the pen slider) on a deleted one
            app.setPalette(dark_palette())
        else:
            app.setPalette(
                self.system_palette if not is_dark(self.system_palette) else QApplication.style().standardPalette()
            )
        if self.act_dark.isChecked() != on:
            self.act_dark.blockSignals(True)
            self.act_dark.setChecked(on)
            self.act_dark.blockSignals(False)
        if save:
            self.settings.setValue("dark", on)
        self.history.paint_icons()  # drawings' thumbnails in the new paper and ink
        self.update()

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Information, "Keyboard shortcuts", shortcuts_table(), QMessageBox.Ok, self)
        box.setTextFormat(Qt.RichText)  # our own fixed text: a table keeps keys and descriptions in their columns
        self.info_box = box
        box.open()

    def about_text(self) -> str:
        return about_text(self.model_info)

    def show_about(self) -> None:
        box = QMessageBox(QMessageBox.Information, "About Digit Classifier", self.about_text(), QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)  # metadata is shown as text, never as rich text or links
        box.setIconPixmap(app_icon().pixmap(64, 64))
        self.info_box = box
        box.open()

    # ------------------------------------------------------------- keys, drops
    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            focus = QApplication.focusWidget()
            if isinstance(focus, QAbstractButton):
                focus.click()  # Enter on a focused button presses that button, not Run
            elif not isinstance(focus, (QComboBox, QAbstractSpinBox, QLineEdit)):
                self.run_requested.emit()
            return
        digit = Qt.Key_0 <= event.key() <= Qt.Key_9 and event.modifiers() in (Qt.NoModifier, Qt.KeypadModifier)
        if digit and self.reading is not None and not self.reading_stale:
            focus = QApplication.focusWidget()
            if not isinstance(focus, (QComboBox, QAbstractSpinBox, QLineEdit)):
                self.begin_answer(event.text())  # typing digits over a reading starts the answer
                return
        super().keyPressEvent(event)
