"""Setting a line of text in any script, for the photos and the screen.

    >>> block = set_text("Raspberry Jam, " + isolate("東京ジャム") + ", 1 March", "en", width=400, size=40)
    >>> [line.text for line in block.lines]   # the Jam's name kept on one line
    ['Raspberry Jam,', '東京ジャム, 1 March']
    >>> sorted({run.face.family for line in block.lines for run in line.runs})
    ['Noto Sans', 'Noto Sans CJK JP']
    >>> all(line.ink[2] - line.ink[0] <= 400 for line in block.lines)
    True

What it does, in order:
- Direction: the Unicode bidi algorithm (FriBidi, the library Pillow's own
  text layout uses) gives each character a level; text the caption takes from
  people (a Jam's name) comes wrapped in `isolate()` (FSI...PDI), so its digits
  and direction cannot pull the words around it to the wrong side.
- Fonts: each character is drawn by a face whose character map has it
  (`fonts.face_for`), so the text is split into runs of one face and one level.
  Each run is shaped by Pillow's raqm layout (Arabic joining, mirrored brackets),
  and the runs of a line are put in visual order (rule L2 of UAX #9).
- Lines: breaks only where the Unicode line-breaking rules (UAX #14, uniseg)
  allow, so Japanese breaks between characters and never before "、".
- Fitting: the size shrinks step by step until every line, measured by its ink,
  fits the width and there are at most `max_lines`. At the smallest size a word
  wider than the line is broken between characters, and if the text still
  needs more lines it is shortened with "…": first what follows the first
  isolated span, then what precedes it; the isolated span (the Jam's name) is
  cut only if it cannot fit alone.
"""

import ctypes
import ctypes.util
import logging
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from PIL import ImageDraw, features
from uniseg.graphemecluster import grapheme_cluster_boundaries
from uniseg.linebreak import line_break_boundaries

from .fonts import Face, cjk_language, face_for, primary_face

log = logging.getLogger("photobooth")

FSI, PDI = "\u2068", "\u2069"
OPENERS = {"\u2066", "\u2067", "\u2068"}  # LRI, RLI, FSI
# Bidi controls steer the order and are never drawn.
BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ELLIPSIS = "…"
# Punctuation left dangling before an ellipsis is dropped: "Weekend, …" reads "Weekend…".
DANGLING = " ,.;:،؛、，。・-–—"
SHRINK = 0.92  # each size tried is 8 % smaller than the one before
RAQM = features.check_feature("raqm")


def isolate(text: str) -> str:
    """`text` wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE: people's
    words (a Jam's name) set inside a sentence of another direction."""
    return f"{FSI}{text}{PDI}"


# --- Direction -------------------------------------------------------------------

FRIBIDI_PAR_LTR, FRIBIDI_PAR_RTL = 0x110, 0x111  # FRIBIDI_TYPE_LTR / _RTL: strong letter, +RTL bit


@cache
def _fribidi():
    """libfribidi (Debian: libfribidi0, which Pillow's raqm layout loads too), or None."""
    for name in (ctypes.util.find_library("fribidi"), "libfribidi.so.0"):
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        log2vis = library.fribidi_log2vis
        log2vis.restype = ctypes.c_int8
        log2vis.argtypes = [
            ctypes.POINTER(ctypes.c_uint32),  # the logical string, UTF-32
            ctypes.c_int,  # its length
            ctypes.POINTER(ctypes.c_uint32),  # the paragraph direction, asked for and resolved
            ctypes.c_void_p,  # the visual string: not wanted
            ctypes.c_void_p,  # logical-to-visual positions: not wanted
            ctypes.c_void_p,  # visual-to-logical positions: not wanted
            ctypes.POINTER(ctypes.c_int8),  # the embedding level of each character
        ]
        return log2vis
    return None


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(character) in ("R", "AL", "RLE", "RLO", "RLI") for character in text)


def engine_problem() -> str | None:
    """What keeps right-to-left text from being set properly here, or None."""
    if not RAQM:
        return "Pillow has no raqm text layout: install libraqm0 and libfribidi0 (Debian) and reinstall Pillow"
    if _fribidi() is None:
        return "libfribidi is missing: install libfribidi0 (Debian)"
    return None


@cache
def _warn_once(problem):
    log.warning("Right-to-left text will not be set properly: %s.", problem)


@lru_cache(maxsize=256)
def bidi_levels(text: str, rtl: bool) -> tuple[int, ...]:
    """The resolved embedding level of each character of one paragraph (odd: right to left)."""
    if not text:
        return ()
    log2vis = _fribidi()
    if log2vis is None:
        return (0,) * len(text)  # left to right; Paragraph has warned
    length = len(text)
    levels = (ctypes.c_int8 * length)()
    direction = ctypes.c_uint32(FRIBIDI_PAR_RTL if rtl else FRIBIDI_PAR_LTR)
    if not log2vis(
        (ctypes.c_uint32 * length)(*map(ord, text)), length, ctypes.byref(direction), None, None, None, levels
    ):
        raise MemoryError("fribidi could not resolve the text's direction")
    return tuple(levels)


def visual_order(levels):
    """Indices of items with these levels, in the order they are seen left to
    right: from the highest level down to the lowest odd one, every stretch at
    that level or above is reversed (UAX #9, rule L2)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min((level for level in levels if level % 2), default=max(levels) + 1)
    for level in range(max(levels), lowest_odd - 1, -1):
        start = None
        for position in range(len(order) + 1):
            inside = position < len(order) and levels[order[position]] >= level
            if inside and start is None:
                start = position
            elif not inside and start is not None:
                order[start:position] = reversed(order[start:position])
                start = None
    return order


# --- Runs, lines and blocks --------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Text of one face and one direction, shaped as a whole."""

    text: str
    face: Face
    size: int
    rtl: bool
    language: str | None
    x: int = 0  # where its advance starts, from the line's left

    @property
    def font(self):
        return self.face.font(self.size)

    @property
    def options(self):
        """What Pillow's raqm layout needs to shape the run."""
        if not RAQM:
            return {}
        return {"direction": "rtl" if self.rtl else "ltr", "language": self.language}

    @cached_property
    def advance(self) -> float:
        return self.font.getlength(self.text, **self.options)

    @cached_property
    def ink(self):
        """(left, top, right, bottom) of its ink from its origin on the baseline."""
        return self.font.getbbox(self.text, anchor="ls", **self.options)


@dataclass(frozen=True)
class Line:
    """Runs in visual order, left to right; `ink` is measured from the start of
    the first run's advance on the baseline."""

    runs: tuple[Run, ...]
    text: str  # in logical order, as it was given (without bidi controls)

    @cached_property
    def ink(self):
        if not self.runs:
            return (0, 0, 0, 0)
        boxes = [(run.x + run.ink[0], run.ink[1], run.x + run.ink[2], run.ink[3]) for run in self.runs]
        return (
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        )

    @property
    def width(self) -> int:
        """The width of its ink: what has to fit."""
        return self.ink[2] - self.ink[0]

    @property
    def ascent(self) -> int:
        """How far its ink reaches above the baseline."""
        return max(0, -self.ink[1])

    @property
    def descent(self) -> int:
        """How far its ink reaches below the baseline."""
        return max(0, self.ink[3])

    def draw(self, draw: ImageDraw.ImageDraw, left: int, baseline: int, fill) -> None:
        """Draws the line with its ink starting at `left`."""
        for run in self.runs:
            draw.text(
                (left - self.ink[0] + run.x, baseline), run.text, font=run.font, anchor="ls", fill=fill, **run.options
            )


@dataclass(frozen=True)
class Block:
    """Lines set at one size. `ascent` and `descent` cover every line's ink, so
    lines stacked `ascent + descent` apart never touch; boxes behind them are
    as tall as the ink, whatever a font's own line spacing (Naskh's is deep)."""

    lines: tuple[Line, ...]
    size: int
    rtl: bool
    shortened: bool = False

    @property
    def ascent(self) -> int:
        return max((line.ascent for line in self.lines), default=0)

    @property
    def descent(self) -> int:
        return max((line.descent for line in self.lines), default=0)

    @property
    def width(self) -> int:
        return max((line.width for line in self.lines), default=0)


class Paragraph:
    """One text in one language: levels, faces and break opportunities found once."""

    def __init__(self, text: str, language: str):
        self.text, self.language = text, language
        self.rtl = is_rtl_language(language)
        if (self.rtl or has_rtl(text)) and engine_problem():
            _warn_once(engine_problem())
        self.levels = list(bidi_levels(text, self.rtl))
        cjk = cjk_language(text)
        self.faces, current = [], None
        for position, character in enumerate(text):
            if character in BIDI_CONTROLS:
                self.faces.append(current)
                continue
            current = face_for(character, language, current, cjk=cjk)
            self.faces.append(current)
            # Joiners and marks carry no direction of their own: keep them in their neighbour's run.
            if position and unicodedata.category(character) in ("Mn", "Me", "Cf"):
                self.levels[position] = self.levels[position - 1]
        self.primary = primary_face(language)
        boundaries = list(line_break_boundaries(text)) if text else [0]
        self.breaks = [boundary for boundary in boundaries if boundary > 0]
        # Breaks inside an isolated span (a Jam's name): used only when the text cannot fit without them.
        depth, self.isolated = 0, set()
        for position, character in enumerate(text):
            depth = depth + 1 if character in OPENERS else max(0, depth - 1) if character == PDI else depth
            if depth:
                self.isolated.add(position + 1)
        self.graphemes = set(grapheme_cluster_boundaries(text)) if text else {0}

    def runs(self, start: int, end: int, size: int) -> list[tuple[Run, int]]:
        """The runs of text[start:end] in logical order, each with its level."""
        runs, text, key = [], [], None
        for position in range(start, end):
            character = self.text[position]
            if character in BIDI_CONTROLS:
                continue
            this = (self.faces[position], self.levels[position])
            if key is not None and this != key:
                runs.append(self._run("".join(text), key, size))
                text = []
            key = this
            text.append(character)
        if text:
            runs.append(self._run("".join(text), key, size))
        return runs

    def _run(self, text, key, size):
        face, level = key
        language = self.language if face == self.primary else None
        return Run(text=text, face=face, size=size, rtl=bool(level % 2), language=language), level

    def line(self, start: int, end: int, size: int) -> Line:
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in BIDI_CONTROLS):
            end -= 1  # trailing spaces are not drawn (UAX #9, rule L1)
        logical = self.runs(start, end, size)
        placed, x = [], 0.0
        for index in visual_order([level for _run, level in logical]):
            run = logical[index][0]
            placed.append(Run(run.text, run.face, run.size, run.rtl, run.language, x=round(x)))
            x += run.advance
        text = "".join(character for character in self.text[start:end] if character not in BIDI_CONTROLS)
        return Line(runs=tuple(placed), text=text)

    def advance(self, start: int, end: int, size: int) -> float:
        return sum(run.advance for run, _level in self.runs(start, end, size))

    def wrap(self, size: int, width: int, *, break_words: bool, keep_isolated=False) -> list[Line] | None:
        """Lines no wider than `width`, broken greedily where UAX #14 allows (and not
        inside an isolated span if `keep_isolated`); None if a word alone is too wide
        (unless `break_words`: then it is broken between characters)."""
        units, start = [], 0
        for end in self.breaks:
            if keep_isolated and end in self.isolated and end < len(self.text):
                continue
            units.append((start, end))
            start = end
        lines, line_start, line_end = [], 0, 0
        queue = list(units)
        while queue:
            start, end = queue.pop(0)
            if line_end > line_start and self._fits(line_start, end, size, width):
                line_end = end
                continue
            if line_end > line_start:
                lines.append((line_start, line_end))
            line_start, line_end = start, end
            if not self._fits(start, end, size, width):
                if not break_words:
                    return None
                cut = self._longest_fitting(start, end, size, width)
                line_end = cut
                if cut < end:
                    queue.insert(0, (cut, end))
        if line_end > line_start:
            lines.append((line_start, line_end))
        return [self.line(start, end, size) for start, end in lines]

    def _fits(self, start, end, size, width):
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return self.advance(start, end, size) <= width

    def _longest_fitting(self, start, end, size, width):
        """The end of the longest run of whole characters from `start` that fits (at least one)."""
        best = next((boundary for boundary in sorted(self.graphemes) if boundary > start), end)
        for boundary in sorted(self.graphemes):
            if start < boundary <= end and self._fits(start, boundary, size, width):
                best = max(best, boundary)
        return min(best, end)


def is_rtl_language(language: str) -> bool:
    return language.lower().replace("_", "-").split("-")[0] in {"fa", "ar", "he", "ur"}


def _sizes(size, smallest):
    while size > smallest:
        yield size
        size = max(smallest, int(size * SHRINK))
    yield smallest


@lru_cache(maxsize=512)
def set_text(text: str, language: str, *, width: int, size: int, max_lines: int = 2, min_size: int = 0) -> Block:
    """`text` in lines that each fit `width` pixels, at most `max_lines`, at the
    largest size from `size` down to `min_size` (half `size` by default) that
    allows it; shortened with "…" if even the smallest cannot. Lines are
    balanced: as many as needed, each as short as that many allow, so a last
    line is not one lonely word."""
    smallest = min(size, min_size or max(1, size // 2))
    paragraph = Paragraph(text, language)
    if not text.strip():
        return Block(lines=(), size=size, rtl=paragraph.rtl)
    for current in _sizes(size, smallest):
        block, kept = _fitted(paragraph, current, width, max_lines, break_words=current == smallest)
        if block is not None:
            return _balanced(paragraph, block, width, kept)
    return _shortened(text, language, smallest, width, max_lines)


def _balanced(paragraph, block, width, kept):
    """The same lines at the narrowest width that keeps their number (to a few
    pixels), breaking where they broke before (outside the Jam's name if `kept`)."""
    if len(block.lines) < 2:
        return block
    low, high, best = block.width // len(block.lines), width, block
    while high - low > max(2, width // 100):
        middle = (low + high) // 2
        narrower = _fitted_as(paragraph, block.size, middle, len(block.lines), break_words=False, keep_isolated=kept)
        if narrower is None:
            low = middle
        else:
            best, high = narrower, middle
    return best


def _fitted(paragraph, size, width, max_lines, *, break_words):
    """The block at this size if it fits (or None), the Jam's name kept on one line
    if it can be, and whether it was."""
    if paragraph.isolated:
        block = _fitted_as(paragraph, size, width, max_lines, break_words=False, keep_isolated=True)
        if block is not None:
            return block, True
    return _fitted_as(paragraph, size, width, max_lines, break_words=break_words), False


def _fitted_as(paragraph, size, width, max_lines, *, break_words, keep_isolated=False):
    lines = paragraph.wrap(size, width, break_words=break_words, keep_isolated=keep_isolated)
    # Measured again as drawn: every line's ink, not the sum of its words' advances.
    if lines is None or len(lines) > max_lines or any(line.width > width for line in lines):
        return None
    return Block(lines=tuple(lines), size=size, rtl=paragraph.rtl)


def _shortened(text, language, size, width, max_lines):
    """The longest shortening that fits: the text after the first isolated span
    is cut from its end, then the text before it, then the span itself."""
    opener = next((position for position, character in enumerate(text) if character in OPENERS), None)
    if opener is None:
        head, kept, tail = "", "", text
    else:
        closer = text.find(PDI, opener)
        closer = len(text) - 1 if closer < 0 else closer
        head, kept, tail = text[:opener], text[opener : closer + 1], text[closer + 1 :]

    def attempt(candidate):
        return _fitted(Paragraph(candidate, language), size, width, max_lines, break_words=True)[0]

    def longest(make, part):
        """The block for the most of `part` that fits, cut between characters (None if none does)."""
        cuts = sorted(boundary for boundary in grapheme_cluster_boundaries(part) if boundary < len(part))
        low, high, found = 0, len(cuts) - 1, None
        while low <= high:  # more text never needs fewer lines, so the cuts that fit come first
            middle = (low + high) // 2
            block = attempt(make(part[: cuts[middle]].rstrip(DANGLING)))
            if block is None:
                high = middle - 1
            else:
                found, low = block, middle + 1
        return found

    if opener is not None:
        block = longest(lambda cut: f"{head}{kept}{cut}{ELLIPSIS}", tail)
        if block is None:
            block = longest(lambda cut: f"{cut}{ELLIPSIS} {kept}" if cut else f"{kept}{ELLIPSIS}", head)
        if block is None:
            inner = kept[1:-1] if kept.endswith(PDI) else kept[1:]
            block = longest(lambda cut: f"{kept[0]}{cut}{ELLIPSIS}{PDI}", inner)
    else:
        block = longest(lambda cut: f"{cut}{ELLIPSIS}", tail)
    if block is None:  # not even one character and an ellipsis: the ellipsis alone
        block = attempt(ELLIPSIS) or Block(lines=(), size=size, rtl=is_rtl_language(language))
    return Block(lines=block.lines, size=block.size, rtl=block.rtl, shortened=True)
