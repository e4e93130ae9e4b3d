"""The controller without Qt: a stand-in view, a fixed-weight ONNX model, real documents and files."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.controller import HISTORY, Controller
from app.document import Document, Stroke
from app.inference import Classifier
from app.wording import EMPTY, SEVERAL_LINES, short
from pipeline.synth.strokes import digit_strokes as traced


class FakeView:
    """Records what the controller shows, verb by verb."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []
        self.document = Document()
        self.reading = None
        self.stale = False
        self.message = ""
        self.status = ""
        self.errors: list[tuple[str, str]] = []
        self.history: list = []
        self.edit = (False, False)
        self.model = None

    def show_document(self, document):
        self.calls.append(("document", (document,)))
        self.document = document

    def show_reading(self, reading, *, stale=False, note="", frame=None):
        self.calls.append(("reading", (reading, stale)))
        self.reading, self.stale, self.message, self.note, self.frame = reading, stale, "", note, frame

    def show_message(self, text):
        self.calls.append(("message", (text,)))
        self.reading, self.message = None, text

    def show_status(self, text):
        self.status = text

    def show_error(self, title, text):
        self.errors.append((title, text))

    def show_model(self, info):
        self.model = info

    def show_history(self, items):
        self.history = list(items)

    def set_edit_state(self, can_undo, can_redo):
        self.edit = (can_undo, can_redo)

    def show_labels(self, labels, note):
        self.labels, self.note_saved = list(labels), note

    def show_userdata(self, count, folder):
        self.userdata = (count, folder)

    def open_folder(self, folder):
        self.opened = folder


class ManualClock:
    """The controller's ``schedule``: callbacks run when the test says so."""

    def __init__(self) -> None:
        self.pending: list = []

    def __call__(self, delay_ms, callback):
        clock = self

        class Handle:
            def cancel(self):
                if entry in clock.pending:
                    clock.pending.remove(entry)

        entry = (delay_ms, callback)
        self.pending.append(entry)
        return Handle()

    def fire(self) -> int:
        ran = 0
        while self.pending:
            _, callback = self.pending.pop(0)
            callback()
            ran += 1
        return ran


def digit_strokes(digit: np.ndarray, left: float = 0.2, top: float = 0.2, size: float = 0.6) -> list[Stroke]:
    """Pen strokes that trace an MNIST digit: one per run of ink in every row, a pixel wide."""
    return [Stroke(tuple(points), size / 28) for points in traced(digit, left, top, size)]


@pytest.fixture
def view():
    return FakeView()


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def controller(view, template_onnx, clock):
    return Controller(view, Classifier(template_onnx), live=True, schedule=clock)


def draw(controller, strokes):
    """Add the strokes one by one (each an undo step); a live read follows the last one only.

    A read after every row of a traced digit took 10 of make test-fast's 30 s: 384 reads of half-drawn
    rows at ~27 ms each, as a half-drawn digit is wide and tried as a string; the tests that need a read
    per stroke call add_stroke themselves."""
    live, controller.live = controller.live, False
    for s in strokes[:-1]:
        controller.add_stroke(s)
    controller.live = live
    for s in strokes[-1:]:
        controller.add_stroke(s)


def test_starts_with_the_model_and_a_prompt(controller, view):
    assert view.model.name == "templates" and view.model.reject == ("not_digit", 0.5)
    assert "Draw a digit" in view.message and view.edit == (False, False)


def test_a_drawn_digit_is_read_live_and_remembered(controller, view, published_model, sample):
    controller.use_model(published_model)
    draw(controller, digit_strokes(sample.x_test[0]))
    assert view.reading is not None and view.reading.number == str(sample.y_test[0])
    assert view.reading.single.confidence > 0.9 and "ms" in view.status
    assert view.history == []  # live readings of a drawing in progress are not history yet
    controller.clear()
    assert [item.text for item in view.history] == [str(sample.y_test[0])]


def test_preview_is_throttled_and_never_runs_without_the_timer(controller, view, clock, sample):
    strokes = digit_strokes(sample.x_test[1])
    before = len([c for c in view.calls if c[0] == "reading"])
    for s in strokes[:5]:
        controller.preview(s)
    assert len(clock.pending) == 1  # five pen moves, one scheduled reading
    assert clock.fire() == 1
    assert len([c for c in view.calls if c[0] == "reading"]) == before + 1


def test_undo_and_redo_span_clear_and_open(controller, view, sample, tmp_path):
    draw(controller, digit_strokes(sample.x_test[2])[:3])
    drawing = controller.document
    controller.clear()
    assert controller.document.is_empty() and view.message == EMPTY
    controller.undo()
    assert controller.document == drawing and view.edit[1]  # redo is possible
    controller.redo()
    assert controller.document.is_empty()
    path = tmp_path / "seven.png"
    Image.fromarray(255 - np.kron(sample.x_test[0], np.ones((4, 4), np.uint8))).save(path)
    assert controller.open_file(path)
    assert controller.document.picture is not None and view.reading is not None
    controller.undo()
    assert controller.document.is_empty()
    controller.undo()
    assert controller.document == drawing


def test_live_off_marks_the_old_result_stale(controller, view, sample):
    controller.set_live(False)
    strokes = digit_strokes(sample.x_test[3])
    draw(controller, strokes[:-1])
    assert view.reading is None  # nothing read yet
    controller.run()
    first = view.reading
    controller.add_stroke(strokes[-1])
    assert view.stale and view.reading is first and "press Enter" in view.status
    assert controller.result_text() == ""  # a stale answer is not copied
    controller.run()
    assert not view.stale


def test_a_file_that_cannot_be_read_is_explained_and_changes_nothing(controller, view, sample, tmp_path):
    draw(controller, digit_strokes(sample.x_test[4]))
    drawing, reading = controller.document, view.reading
    assert reading is not None
    (tmp_path / "notes.txt").write_text("hello")
    assert controller.open_file(tmp_path / "notes.txt") is False
    title, text = view.errors[-1]
    assert title == "Cannot open this picture" and "not a picture" in text
    assert "Could not open notes.txt" in view.status
    assert controller.document == drawing and view.reading is reading  # the drawing and its answer stay
    assert controller.paste(b"not an image") is False
    assert controller.document == drawing and view.reading is reading


def test_save_writes_a_png_that_reads_the_same(controller, view, published_model, sample, tmp_path):
    controller.use_model(published_model)
    draw(controller, digit_strokes(sample.x_test[5]))
    assert controller.save_drawing(tmp_path / "mine")
    saved = tmp_path / "mine.png"
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [saved]  # written atomically: no temporary left
    assert controller.classifier.read(np.asarray(Image.open(saved))).number == str(sample.y_test[5])


def test_history_brings_a_drawing_back(controller, view, published_model, sample):
    controller.use_model(published_model)
    for i in range(HISTORY + 2):
        controller.clear()
        draw(controller, digit_strokes(sample.x_test[i]))
    assert len(view.history) == HISTORY
    wanted = view.history[3]
    controller.recall(3)
    # the strip words an answer as the status bar does ("not sure" for an unsure one)
    assert controller.document == wanted.document and short(view.reading) == wanted.text


def test_a_bad_model_keeps_the_old_one(controller, view, tmp_path):
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    assert controller.use_model(tmp_path / "bad.onnx") is False
    assert view.errors[-1][0] == "Cannot use this model" and "keeps using templates.onnx" in view.errors[-1][1]
    # the window's own way out, once, and none of the shell's (--model, make pipeline)
    text = view.errors[-1][1]
    assert text.count("File > Open model") == 1 and "--model" not in text and "make" not in text and "…." not in text
    assert controller.classifier.info.name == "templates"


def test_no_exception_leaves_an_action(controller, view, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(controller.classifier, "read_ink", boom)
    controller.add_stroke(Stroke(((0.2, 0.2), (0.8, 0.8))))
    assert view.errors and "disk on fire" in view.errors[-1][1] and "drawing is kept" in view.errors[-1][1]
    assert len(controller.document.strokes) == 1


def test_eraser_removes_ink(controller, view):
    controller.add_stroke(Stroke(((0.5, 0.1), (0.5, 0.9)), 0.06))
    controller.add_stroke(Stroke(((0.3, 0.5), (0.7, 0.5)), 0.3, erase=True))
    ink = controller.document.render_ink()
    side = ink.shape[0]
    assert ink[side // 2, side // 2] == 0 and ink[int(side * 0.15), side // 2] == 1


def test_paste_reads_pixels_and_refuses_junk(controller, view, sample):
    assert controller.paste(np.stack([255 - np.kron(sample.x_test[6], np.ones((5, 5), np.uint8))] * 3, -1))
    assert controller.document.picture is not None
    assert controller.paste(b"\x00garbage") is False and view.errors[-1][0] == "Cannot open this picture"


def test_a_recalled_drawing_moves_to_the_front_instead_of_appearing_twice(controller, view, published_model, sample):
    controller.use_model(published_model)
    for i in range(3):
        controller.clear()
        draw(controller, digit_strokes(sample.x_test[i]))
    controller.clear()
    texts = [h.text for h in view.history]
    controller.recall(2)
    controller.run()
    assert [h.text for h in view.history] == [texts[2], texts[0], texts[1]]


def test_a_picture_opened_again_has_one_place_in_the_history(controller, view, published_model, sample, tmp_path):
    controller.use_model(published_model)
    for i, name in enumerate(("a.png", "b.png")):
        Image.fromarray(255 - np.kron(sample.x_test[i], np.ones((4, 4), np.uint8))).save(tmp_path / name)
    for name in ("a.png", "b.png", "a.png", "b.png"):
        assert controller.open_file(tmp_path / name)
    controller.clear()
    # the same pixels are the same picture, whichever Open brought them: b, then a, once each
    assert [h.document.picture.name for h in view.history] == ["b.png", "a.png"]


def test_a_failed_save_says_so_and_claims_nothing(controller, view, tmp_path):
    controller.add_stroke(Stroke(((0.2, 0.2), (0.8, 0.8))))
    (tmp_path / "file").write_text("x")
    assert controller.save_drawing(tmp_path / "file" / "inside.png") is False
    assert view.errors[-1][0] == "Cannot save the drawing" and view.status == ""


def test_with_live_off_a_new_drawing_asks_for_enter(controller, view):
    controller.set_live(False)
    controller.clear()
    controller.add_stroke(Stroke(((0.2, 0.2), (0.8, 0.8))))
    assert view.reading is None and view.message == "Press Enter (Run) to read the drawing"


def test_an_opened_photo_is_read_as_the_cli_reads_it_and_the_eraser_leaves_no_rim(published_model, sample):
    """The app's picture path drops a dark band along the edge like `digit-predict`; erasing a stroke
    with the same pen width removes all of its ink from what the model reads."""
    from app.document import Document, Picture, Stroke
    from app.inference import Classifier

    classifier = Classifier(published_model)
    page = np.full((300, 300), 230, np.uint8)
    page[:, :25] = 120  # the table beyond the paper (fainter than the ink: the digit is what the picture is of)
    page[60:228, 80:248] = 230 - (np.kron(sample.x_test[0], np.ones((6, 6), np.uint8)) * 0.85).astype(np.uint8)
    doc = Document(picture=Picture(page, "photo"))
    app_reading = classifier.read_ink(doc.render_ink(), dark_on_light=doc.dark_on_light())
    assert app_reading.text == classifier.read(page).text == str(sample.y_test[0])
    pen = Stroke(((0.2, 0.5), (0.8, 0.52)), 0.05)
    drawn = Document().with_stroke(pen)
    erased = drawn.with_stroke(Stroke(pen.points, pen.width, erase=True))
    assert drawn.render_ink().max() == 1.0 and erased.render_ink().max() == 0.0


def test_two_rows_of_digits_get_a_note_that_the_app_reads_one_line(controller, view, sample):
    seven, two = sample.x_test[0], sample.x_test[1]
    draw(controller, digit_strokes(seven, 0.3, 0.05, 0.35) + digit_strokes(two, 0.3, 0.55, 0.35))  # one above the other
    assert view.reading is not None and view.note == SEVERAL_LINES
    controller.clear()
    draw(controller, digit_strokes(seven, 0.05, 0.3, 0.35) + digit_strokes(two, 0.55, 0.3, 0.35))  # side by side
    assert view.reading is not None and view.note == ""
    controller.clear()
    # two digits over two: a row of two read as one, however sure of its digits
    rows = [
        digit_strokes(sample.x_test[i], 0.1 + 0.4 * (k % 2), 0.05 + 0.5 * (k // 2), 0.35)
        for k, i in enumerate(range(4))
    ]
    draw(controller, [s for strokes in rows for s in strokes])
    assert view.reading is not None and view.note == SEVERAL_LINES


def test_a_confident_digit_gets_no_lines_note_even_when_its_strokes_leave_a_gap(controller, view):
    # an 8 drawn as two loops that do not touch: two bands of ink, one confident digit
    loop = [(0.5 + 0.12 * np.cos(t), 0.5 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 40)]
    top = Stroke(tuple((x, 0.3 + 0.28 * y) for x, y in loop), 0.05)
    bottom = Stroke(tuple((x, 0.66 + 0.28 * y) for x, y in loop), 0.05)
    draw(controller, [top, bottom])
    assert view.reading is not None and view.note == ""


def test_the_lines_note_is_for_doubtful_answers_and_numbers(sample):
    from app.reading import NOT_A_NUMBER, DigitReading, Reading
    from app.wording import lines_hint

    two_lines = np.zeros((120, 60), np.float32)
    two_lines[5:45, 20:40] = 1.0
    two_lines[75:115, 20:40] = 1.0

    def piece(confidence):
        return DigitReading("1", confidence, np.eye(10, dtype=np.float32)[1], (5, 20, 115, 40), np.zeros((28, 28)))

    assert lines_hint(Reading((piece(0.99),)), two_lines) == ""  # a confident answer is left alone
    assert lines_hint(Reading((piece(0.6),)), two_lines) == SEVERAL_LINES
    assert lines_hint(Reading((piece(0.99), piece(0.99)), NOT_A_NUMBER), two_lines) == SEVERAL_LINES
    # two rows read as one confident number ("12" over "34" read "11")
    assert lines_hint(Reading((piece(0.99), piece(0.99))), two_lines) == SEVERAL_LINES
    assert lines_hint(Reading((piece(0.6),)), two_lines[:50]) == ""  # one line: nothing to say


def test_a_rejected_piece_as_wide_as_two_touching_digits_gets_thetouching_hint():
    from app.reading import NOT_A_NUMBER, DigitReading, Reading
    from app.wording import TOUCHING, hints, touching_hint

    def piece(box, rejected=False):
        return DigitReading("4", 0.99, np.eye(10, dtype=np.float32)[4], box, np.zeros((28, 28)), 0.1, rejected)

    seven, one = piece((10, 120, 110, 160)), piece((10, 180, 110, 200))
    touching = piece((5, 0, 105, 106), rejected=True)  # "40" in one piece: about as wide as tall
    assert touching_hint(Reading((touching, seven, one), NOT_A_NUMBER)) == TOUCHING
    tall = piece((0, 0, 110, 89), rejected=True)  # a tall "40": 0.81 as wide as tall, as drawn in a real window
    assert touching_hint(Reading((tall, seven, one), NOT_A_NUMBER)) == TOUCHING
    assert hints(Reading((touching, seven, one), NOT_A_NUMBER), np.zeros((120, 220), np.float32)) == [TOUCHING]
    # a narrow rejected piece, a low one (a dash), a lone non-digit, or a number read: nothing to say
    assert touching_hint(Reading((piece((5, 0, 105, 60), rejected=True), seven, one), NOT_A_NUMBER)) == ""
    assert touching_hint(Reading((piece((50, 0, 60, 100), rejected=True), seven, one), NOT_A_NUMBER)) == ""
    assert touching_hint(Reading((seven, one))) == ""


def test_a_lone_piece_turned_away_as_wide_as_touching_digits_gets_the_hint_as_a_condition():
    """A "17" drawn touching in a real window was "Not a digit" with no word of why: one piece as wide as two
    touching digits is told to leave a gap, as a condition (a triangle is as wide); a narrow piece or a dash is not,
    and a dash is not told to write bigger either (it is as tall as the pen)."""
    from app.reading import NOT_A_DIGIT, DigitReading, Reading
    from app.wording import SMALL, TOUCHING_ALONE, hints, touching_hint

    def lone(box):
        return Reading(
            (DigitReading("7", 0.99, np.eye(10, dtype=np.float32)[7], box, np.zeros((28, 28)), 0.99, True),),
            NOT_A_DIGIT,
        )

    assert touching_hint(lone((0, 0, 128, 100))) == TOUCHING_ALONE  # the window's "17": 0.78 as wide as tall
    assert touching_hint(lone((0, 0, 100, 250))) == TOUCHING_ALONE  # three digits
    assert touching_hint(lone((0, 0, 128, 60))) == ""  # one narrow digit's width
    assert touching_hint(lone((0, 0, 12, 81))) == ""  # a dash
    ink = np.zeros((300, 300), np.float32)
    assert hints(lone((0, 0, 12, 81)), ink, pen=12.0) == []  # neither hint: a dash is no small writing
    assert hints(lone((0, 0, 30, 25)), ink, pen=12.0)[0] == SMALL  # a blob 2.5 pens tall is


# ------------------------------------------------------------------ your digits
@pytest.fixture
def keeper(view, published_model, clock, tmp_path):
    """A controller with the app's own model that saves the person's digits under ``tmp_path / "digits"``."""
    return Controller(view, Classifier(published_model), live=True, schedule=clock, userdata_folder=tmp_path / "digits")


def write_number(controller, sample, indexes=(0, 1, 2)) -> str:
    """MNIST test digits written apart across the canvas; returns their true number."""
    for k, i in enumerate(indexes):
        draw(controller, digit_strokes(sample.x_test[i], left=0.04 + 0.32 * k, top=0.35, size=0.27))
    return "".join(str(sample.y_test[i]) for i in indexes)


def records(controller):
    from app.userdata import load_records

    loaded = load_records(controller.userdata)
    assert loaded.problems == []
    return loaded.records


def test_correcting_one_digit_saves_the_reading_with_everything_the_dataset_needs(keeper, view, sample):
    import hashlib

    from app.userdata import as_input

    truth = write_number(keeper, sample)
    reading = view.reading
    assert reading.number == truth and len(reading.pieces) == 3
    wrong = str((int(truth[1]) + 1) % 10)  # the person says the middle digit is another one
    assert keeper.correct_digit(1, wrong)
    label = truth[0] + wrong + truth[2]
    [record] = records(keeper)
    assert (record.label, record.read_as, record.source, record.corrected) == (label, truth, "drawing", True)
    for saved, piece in zip(record.pieces, reading.pieces, strict=True):
        np.testing.assert_array_equal(saved.image, as_input(piece.image))
        assert saved.box == piece.box
    strokes = keeper.document.strokes
    assert len(record.strokes) == len(strokes)
    assert record.strokes[0] == {
        "points": [list(p) for p in strokes[0].points],
        "width": strokes[0].width,
        "erase": False,
    }
    digest = hashlib.sha256(keeper.classifier.path.read_bytes()).hexdigest()
    assert record.model["sha256"] == digest and record.model["name"] == keeper.classifier.info.name
    assert record.session == keeper.session and record.writer == keeper.writer
    # what the person sees: their digit on the piece, a note, the count, a marked history item
    assert view.labels == [None, wrong, None] and label in view.note_saved
    assert view.userdata == (3, keeper.userdata)
    assert view.history[0].mark == "corrected" and view.history[0].text == label
    assert view.history[0].read_as == truth
    assert "Ctrl+Z" in view.status and view.reading is reading  # the answer and the drawing stay


def test_a_second_correction_replaces_the_record_and_undo_goes_back_one_step(keeper, view, sample):
    truth = write_number(keeper, sample)
    a, b = str((int(truth[0]) + 1) % 10), str((int(truth[2]) + 1) % 10)
    keeper.correct_digit(0, a)
    keeper.correct_digit(2, b)
    assert [r.label for r in records(keeper)] == [a + truth[1] + b]  # one record per drawing
    assert view.userdata[0] == 3
    keeper.undo()  # the second correction: back to the first
    assert [r.label for r in records(keeper)] == [a + truth[1:]]
    assert view.labels == [a, None, None] and view.userdata[0] == 3
    keeper.undo()  # the first: nothing saved, the mark gone, the drawing untouched
    assert records(keeper) == [] and view.userdata[0] == 0
    assert view.labels == [None, None, None] and view.note_saved == ""
    assert not any(h.mark for h in view.history)
    assert view.reading.number == truth and keeper.document.strokes
    strokes = len(keeper.document.strokes)
    keeper.undo()  # now Ctrl+Z undoes the last stroke again
    assert len(keeper.document.strokes) == strokes - 1


def test_correcting_a_drawing_brought_back_from_the_strip_replaces_its_record(keeper, view, sample):
    """It wrote a second record of the same drawing, so the dataset held it twice under two labels."""
    truth = write_number(keeper, sample)
    a = str((int(truth[0]) + 1) % 10)
    keeper.correct_digit(0, a)
    keeper.clear()
    write_number(keeper, sample, (4,))  # another drawing, then back to the first
    keeper.recall([h.text for h in view.history].index(a + truth[1:]))
    assert view.labels == [a, None, None]  # the person's digit is shown again
    assert keeper.confirm()  # the same answer: nothing new
    assert [r.label for r in records(keeper)] == [a + truth[1:]] and "already saved" in view.status
    b = str((int(truth[2]) + 1) % 10)
    keeper.correct_digit(2, b)
    assert [r.label for r in records(keeper)] == [a + truth[1] + b] and view.userdata[0] == 3
    keeper.undo()  # back to the record of the first visit
    assert [r.label for r in records(keeper)] == [a + truth[1:]] and view.userdata[0] == 3


def test_the_save_is_undoable_only_until_the_next_edit(keeper, view, sample):
    write_number(keeper, sample, (0,))
    assert keeper.confirm()
    keeper.add_stroke(Stroke(((0.9, 0.9), (0.92, 0.92))))  # an edit: the save is kept for good
    keeper.undo()  # undoes that stroke, not the save
    assert len(records(keeper)) == 1 and view.userdata[0] == 1


def test_a_typed_answer_is_saved_when_it_fits_and_explained_when_it_does_not(keeper, view, sample):
    from app.userdata import count_records

    truth = write_number(keeper, sample)
    assert not keeper.correct_text("12")  # two digits typed for three pieces
    title, text = view.errors[-1]
    assert "does not fit" in title and "Nothing was saved" in text and "click its box" in text
    assert count_records(keeper.userdata) == 0 and view.reading.number == truth
    assert not keeper.correct_text("1a3") and "0 to 9" in view.status
    assert keeper.correct_text(" 4 0 7 ")  # spaces are ignored
    [record] = records(keeper)
    assert record.label == "407" and record.read_as == truth
    assert view.labels == ["4", "0", "7"]


def test_confirm_saves_the_answer_as_read_with_one_action(keeper, view, sample):
    truth = write_number(keeper, sample, (3,))
    assert keeper.confirm()
    [record] = records(keeper)
    assert record.label == record.read_as == truth and not record.corrected
    assert view.history[0].mark == "confirmed" and "Right" in view.note_saved
    assert keeper.confirm()  # again: nothing new
    assert len(records(keeper)) == 1 and "already saved" in view.status


def test_a_not_a_digit_is_not_confirmed_but_can_be_corrected(view, template_onnx, clock, tmp_path):
    keeper = Controller(view, Classifier(template_onnx), schedule=clock, userdata_folder=tmp_path / "d")
    draw(keeper, [Stroke(((0.1, 0.1), (0.9, 0.9))), Stroke(((0.1, 0.9), (0.9, 0.1))), Stroke(((0.1, 0.5), (0.9, 0.5)))])
    assert view.reading.rejected == "not a digit"
    assert not keeper.confirm() and "Only digits" in view.status
    assert keeper.correct_text("8")
    [record] = records(keeper)
    assert record.label == "8" and record.read_as == "not a digit"


def test_an_unwritable_folder_is_explained_and_nothing_is_lost(view, published_model, clock, tmp_path, sample):
    (tmp_path / "a-file").write_text("not a folder")
    keeper = Controller(
        view, Classifier(published_model), schedule=clock, userdata_folder=tmp_path / "a-file" / "digits"
    )
    truth = write_number(keeper, sample)
    document, reading = keeper.document, view.reading
    assert not keeper.correct_digit(0, "5")
    title, text = view.errors[-1]
    assert title == "Cannot save your digits"
    assert "a-file" in text and "DIGITS_USERDATA=PATH" in text and "drawing is kept" in text
    assert keeper.document is document and view.reading is reading and reading.number == truth
    assert view.userdata[0] == 0 and not any(h.mark for h in view.history)
    assert not keeper.confirm() and len(view.errors) == 2  # the correction was not half kept either
    assert not keeper.open_userdata() and "DIGITS_USERDATA" in view.errors[-1][1]


def test_an_opened_picture_is_saved_with_its_pixels(keeper, view, sample, tmp_path):
    picture = 255 - np.kron(sample.x_test[4], np.ones((4, 4), np.uint8))
    Image.fromarray(picture).save(tmp_path / "four.png")
    assert keeper.open_file(tmp_path / "four.png")
    assert keeper.confirm()
    [record] = records(keeper)
    assert record.source == "picture" and record.label == str(sample.y_test[4]) and record.strokes == ()
    np.testing.assert_array_equal(np.asarray(Image.open(record.picture)), picture)


def test_with_live_off_a_changed_drawing_is_read_before_it_is_corrected(view, published_model, tmp_path, sample):
    keeper = Controller(view, Classifier(published_model), live=False, userdata_folder=tmp_path / "d")
    draw(keeper, digit_strokes(sample.x_test[0]))
    assert not keeper.correct_digit(0, "1") and "press Enter" in view.status  # stale: not what the person saw
    keeper.run()
    assert keeper.correct_digit(0, "1") and records(keeper)[0].label == "1"
    keeper.add_stroke(Stroke(((0.9, 0.9), (0.92, 0.92))))
    assert view.stale and not keeper.confirm() and "press Enter" in view.status
    assert len(records(keeper)) == 1


def test_the_count_starts_from_the_folder_and_the_folder_opens(view, published_model, tmp_path):
    from app.userdata import save_record

    folder = tmp_path / "digits"
    save_record(folder, label="42", inputs=[np.zeros((28, 28))] * 2)
    keeper = Controller(view, Classifier(published_model), userdata_folder=folder)
    assert view.userdata == (2, folder)
    empty = Controller(view, Classifier(published_model), userdata_folder=tmp_path / "new")
    assert empty.open_userdata() and view.opened == tmp_path / "new" and (tmp_path / "new" / "records").is_dir()
    assert keeper.saved_digits == 2
