"""The window as people write in it (Qt offscreen, pytest-qt): numbers with the default pen,
"not sure" and "write bigger", reading on pen-up or a pause, one reading for app and CLI,
ink past the edge, the pixel values and the writing guides."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.handwriting import number_strokes, number_width

pytestmark = pytest.mark.qt


@pytest.fixture
def open_window(qtbot, qapp, published_model):
    """``open_window(live=True)``: the app's window and controller at the default size, shown; closed after."""
    made = []

    def make(live: bool = True, size: tuple[int, int] = (1000, 660)):
        from app.main import build, parse_args

        window, controller = build(parse_args(["--model", str(published_model), *([] if live else ["--no-live"])]))
        made.append(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window, controller

    yield make
    for window in made:  # closed, not deleted: Python owns the window it built
        window.close()


def _mouse(canvas, kind: str, pos, held: bool) -> None:
    from PyQt5.QtCore import QEvent, QPointF, Qt
    from PyQt5.QtGui import QMouseEvent
    from PyQt5.QtWidgets import QApplication

    types = {"press": QEvent.MouseButtonPress, "move": QEvent.MouseMove, "release": QEvent.MouseButtonRelease}
    button = Qt.NoButton if kind == "move" else Qt.LeftButton
    QApplication.sendEvent(
        canvas, QMouseEvent(types[kind], QPointF(*pos), button, Qt.LeftButton if held else Qt.NoButton, Qt.NoModifier)
    )


def stroke(canvas, points, release: bool = True) -> None:
    """Press, move through every point with the button held, release: what a mouse sends."""
    _mouse(canvas, "press", points[0], True)
    for p in points[1:]:
        _mouse(canvas, "move", p, True)
    if release:
        _mouse(canvas, "release", points[-1], False)


def write(canvas, text: str, height: float, gap: float = 0.3, top: float | None = None, seed: int = 0) -> None:
    """``text`` written across the canvas's middle, digits ``height`` px tall and ``gap`` x height apart."""
    side = canvas.width()
    left = (side - number_width(text, height, gap)) / 2
    for points in number_strokes(text, left, (side - height) / 2 if top is None else top, height, gap=gap, seed=seed):
        stroke(canvas, points)


# ------------------------------------------------------------------ the pen and numbers
@pytest.mark.parametrize("number", ["13579", "60482", "24680"])
def test_a_five_digit_number_written_with_the_default_pen_and_ordinary_gaps_is_read(open_window, number):
    """Digits a fifth of the canvas tall, a third of a digit's height apart, the pen as the app starts."""
    window, controller = open_window()
    side = window.canvas.width()
    assert 440 <= side <= 480  # the default window's canvas
    write(window.canvas, number, height=0.19 * side)
    assert controller.last is not None and controller.last.text == number
    assert window.result.headline.text() == number


def test_touching_digits_get_a_hint_that_names_the_pen(open_window):
    from app.wording import THINNER

    window, controller = open_window()
    window.pen_slider.setValue(8)  # 8/150 of the canvas (25 px): close neighbours run together
    side = window.canvas.width()
    write(window.canvas, "4071", height=0.19 * side, gap=0.05)
    assert controller.last.rejected == "not a number"
    assert THINNER in window.result.detail.text()


def test_writing_guides_are_shown_from_the_view_menu_and_never_read(open_window):
    window, controller = open_window()
    assert window.act_guides in window.menus["view"].actions() and not window.act_guides.isChecked()
    plain = window.canvas.grab_array()
    window.act_guides.trigger()
    guided = window.canvas.grab_array()
    assert (plain != guided).sum() > window.canvas.width()  # a baseline at least
    assert controller.document.is_empty() and controller.last is None  # guides are not ink


# ------------------------------------------------------------------ "not sure" and "write bigger"
def test_small_writing_for_the_pen_is_told_to_write_bigger(open_window):
    """A "2" about 38 px tall with a 32 px pen is a blob; the app says why instead of only answering."""
    from app.wording import SMALL

    window, controller = open_window()
    side = window.canvas.width()
    window.pen_slider.setValue(10)  # 10/150 of the canvas: the former default, 31 px here
    write(window.canvas, "2", height=38 * side / 480)
    assert controller.last is not None
    assert SMALL in window.result.detail.text()


def test_a_doubtful_answer_says_not_sure_and_names_the_alternatives(open_window):
    from app.reader import DigitReading, Reading
    from app.wording import UNSURE

    window, _controller = open_window()
    probs = np.zeros(10, np.float32)
    probs[[0, 8, 6]] = [0.487, 0.40, 0.113]
    blob = DigitReading("0", 0.487, probs, (10, 10, 50, 40), np.zeros((28, 28), np.float32))
    assert blob.confidence < UNSURE
    window.show_reading(Reading((blob,), shape=(256, 256)))
    assert window.result.headline.text() == "Not sure"
    assert window.result.detail.text() == "maybe 0 (48.7%), 8 (40.0%) or 6 (11.3%)"


# ------------------------------------------------------------------ when the app reads
def test_live_reads_on_pen_up_or_a_pause_never_on_every_move(open_window, qtbot):
    from app.controller import PAUSE_MS

    window, controller = open_window()
    side = window.canvas.width()
    two = number_strokes("2", side * 0.35, side * 0.2, side * 0.5)[0]
    stroke(window.canvas, two[: len(two) // 2], release=False)  # half a "2", the button still down
    qtbot.wait(PAUSE_MS // 3)
    assert controller.last is None and window.result.headline.text() == ""  # nothing flashed mid-stroke
    qtbot.waitUntil(lambda: controller.last is not None, timeout=PAUSE_MS * 4)  # the pen rested: read
    for p in two[len(two) // 2 :]:
        _mouse(window.canvas, "move", p, True)
    _mouse(window.canvas, "release", two[-1], False)
    assert controller.last.text == "2"  # read at once on pen-up


# ------------------------------------------------------------------ one reading for app and CLI
def _pictures(sample, tmp_path):
    from pipeline.synth.photo import photo

    tiny = Image.fromarray(255 - sample.x_test[2]).resize((8, 8), Image.Resampling.BILINEAR)  # a "1", 8x8
    tiny.save(tmp_path / "tiny.png")
    Image.fromarray(photo(sample.x_test[7], np.random.default_rng(7))).save(tmp_path / "photo.jpg", quality=85)
    wide = np.full((120, 400), 255, np.uint8)
    for k, i in enumerate((0, 1, 3)):
        wide[10:94, 40 + 110 * k : 124 + 110 * k] = 255 - np.kron(sample.x_test[i], np.ones((3, 3), np.uint8))
    Image.fromarray(wide).save(tmp_path / "wide.png")
    Image.fromarray(np.kron(sample.x_test[4], np.ones((2, 2), np.uint8))).save(tmp_path / "chalk.png")
    return sorted(tmp_path.glob("*.*"))


def test_an_opened_file_reads_the_same_in_the_window_as_in_digit_predict(open_window, sample, tmp_path):
    from app.cli import read_one

    window, controller = open_window()
    for path in _pictures(sample, tmp_path):
        window.open_requested.emit(str(path))
        app = controller.last
        cli, _notes = read_one(controller.classifier, str(path))
        assert app.text == cli.text, path.name
        assert [p.confidence for p in app.pieces] == [p.confidence for p in cli.pieces], path.name
        assert [p.not_digit for p in app.pieces] == [p.not_digit for p in cli.pieces], path.name


# ------------------------------------------------------------------ the canvas's edge
def test_ink_past_the_canvas_edge_is_kept_and_said(open_window):
    """A "4" whose bar runs off the right edge: the ink beyond is read, not flattened onto the edge."""
    from app.wording import PAST_EDGE

    window, controller = open_window()
    side = window.canvas.width()
    h = side * 0.5
    left = side - 0.45 * h  # the bar of the 4 reaches 0.6 h from its left: past the edge
    for points in number_strokes("4", left, side * 0.25, h):
        stroke(window.canvas, points)
    xs = [x for s in controller.document.strokes for x, _ in s.points]
    assert max(xs) > 1.0  # kept where the pen was, not clamped to the edge
    assert controller.document.frame().past_edge
    assert controller.last.text == "4"
    assert PAST_EDGE in window.result.detail.text()


# ------------------------------------------------------------------ the pixel values
def _visible_values(window) -> np.ndarray:
    """The pixel-values view as the scroll area shows it (grey levels)."""
    from app.ui.convert import qimage_to_numpy

    return qimage_to_numpy(window.input_scroll.viewport().grab().toImage())


@pytest.mark.parametrize("size", [(1000, 660), (1920, 1040)])
def test_pixel_values_open_on_the_ink_and_fit_a_large_window(open_window, qtbot, size):
    window, _controller = open_window(size=size)
    side = window.canvas.width()
    write(window.canvas, "7", height=0.5 * side)
    window.act_matrix.setChecked(True)
    qtbot.wait(50)
    shown = _visible_values(window)
    assert (shown > 128).mean() > 0.02, "the values view shows only black cells"
    if size[0] >= 1920:  # maximised at 1080p: the whole field fits, nothing to scroll
        assert window.input_scroll.verticalScrollBar().maximum() == 0
        assert window.input_scroll.horizontalScrollBar().maximum() == 0
