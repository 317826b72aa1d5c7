"""Image stages run before Tesseract, each only where the page needs it.

Like OCRmyPDF's pipeline, every stage takes a ``PageImage`` and returns it
unchanged or a corrected copy with a note of what it did (the notes become
``PageResult.quality``).  A clean, straight page passes through untouched:
each correction costs a little sharpness and the clean page needs none.

OpenCV (headless) is used because its filters are an order of magnitude
faster than Pillow's or scikit-image's on a 9-megapixel page, and the whole
chain must stay small beside Tesseract's own time (measured: a few tens of
milliseconds against ~0.8 s of recognition per A4 page).
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from ocr import engine
from ocr.model import OcrOptions
from ocr.page import PageImage

# Same reason as OMP_THREAD_LIMIT=1 for Tesseract: hoso runs pages in parallel, and
# OpenCV's own thread pool only adds spin-waiting on these short calls (measured:
# 30 ms of CPU instead of 21 ms for the noise estimate on an A4 page).
cv2.setNumThreads(1)

# --- deskew -----------------------------------------------------------------
# Skew is measured on a copy about this wide: lines stay distinct, the search stays cheap.
_SKEW_WIDTH = 1000
_SKEW_RANGE = 10.0  # degrees either way; beyond that a page is sideways, which orientation handles
# Below this, Tesseract's own line finding copes. On the benchmark's sparse forms a page skewed 0.5-2°
# read as well unstraightened (0.08 CPU-s of warp saved), but on official layouts with dotted lines
# under the values a page scanned 1.86° off lost its title and first eight lines (the form went
# unrecognised); straightened, it read whole. The warp is cheap beside a lost dossier.
_SKEW_MIN = 1.0
_SKEW_MAX_POINTS = 60_000
_SKEW_MIN_GAIN = 1.05  # the best angle's score over the unrotated score, to tell text from noise

# --- clean-up -----------------------------------------------------------------
_NOISE_DIRTY = 6.0  # estimated sensor-noise sigma (grey levels) above which a page is dirty
_UNEVEN_DIRTY = 30  # paper brightness spread (grey levels) across the page that calls for flattening
_PAPER_DARK = 215  # paper darker than this is cleaned even if it is flat and quiet
_NOISE_MASK = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)

# --- crop -----------------------------------------------------------------------
_CROP_PAD_IN = 0.25  # blank paper kept around the text, inches (at 0.15 Tesseract lost a last line near the edge)
_CROP_WORTH = 0.85  # crop only when it removes more than this share of the page

# --- form rules -------------------------------------------------------------------
# Lengths in inches, turned into pixels at the page's resolution.
_RULE_MIN_IN = 1.0  # a horizontal run at least this long may be a rule (no letter is that wide in one pixel row)
_RULE_GAP_IN = 0.03  # gaps of a dotted leader bridged before the runs are measured
_RULE_SLACK_IN = 0.01  # rows a rule may wander up or down over its length (a slightly skewed scan)
_RULE_THICK_IN = 0.02  # mean thickness above which a long run is bold text or a blot, not a printed rule
_RULE_SOLID = 0.95  # share of a run's columns inked in a solid rule (letters leave gaps between them)
_RULE_SIDE_INK = 0.5  # share of ink the value written on a rule may put on the band above it
_DOT_MAX_IN = 0.05  # a typed full stop up to about 20 pt is smaller than this
_DOT_PITCH_IN = (0.025, 0.12)  # distance between the dots of one leader
_DOT_FRINGE_IN = 0.015  # grey fringe erased around each dot
_LEADER_MIN_DOTS = 6  # fewer is an ellipsis ("…"), part of the text
_TICK_MIN_IN = 0.06  # shortest vertical stroke considered as a box separator

# --- resolution -------------------------------------------------------------------
# Tesseract's LSTM scales every text line to a fixed height (36 px for the vie model) before it reads
# it, so pixels beyond what a line needs only feed layout analysis and preprocessing.  The corpora's
# 200-dpi scans of 12-13 pt type (lines about 26 px high, accents to descenders) read as well as
# their 300-dpi twins (about 38-40 px), and a 300-dpi page brought to 26 px read with the same
# character error rate at 12-28 % less Tesseract CPU (measured, bench/ocr_library.py pages).  So a
# page whose lines are taller than this is brought down to it; smaller type is never scaled.
_LINE_PX = 26
_SCALE_WORTH = 0.85  # scaling by less saves too little to pay for the resize
_SCALE_MIN = 0.5  # never more than halve a page
_WORD_GAP_IN = 0.05  # gaps between letters and words closed to find the lines (a word space of 12 pt type is ~0.04)
_LINE_MIN_IN, _LINE_MAX_IN = 0.04, 0.4  # heights a line of type may have
_LINES_MIN = 20  # fewer stretches of line than this: too little text to measure

# --- orientation --------------------------------------------------------------
_OSD_MIN_CONFIDENCE = 1.5  # weaker answers are guesses; the re-read is compared anyway


def prepare(page: PageImage, options: OcrOptions) -> PageImage:
    """The stages that need no OCR to decide, in the order that helps the next one."""
    if options.clean:
        page = clean(page)  # first: shading and noise hide the text lines deskew measures
    if options.deskew:
        page = deskew(page)
    page = crop(page)  # after straightening, which moves the text; before unline, which then searches less paper
    page = unline(page)  # on level lines: the rules are found as straight runs
    # Last: the rule and leader search is tuned at the scan's own resolution (a typed leader's dots,
    # resampled smaller, no longer all read as dots), and what it erases must not be blurred back.
    return rescale(page)


def rescale(page: PageImage) -> PageImage:
    """Bring a page whose type is larger than Tesseract needs down to ``_LINE_PX`` line height.

    The page keeps its physical size: the resolution drops with the pixels
    (and a crop's frame with them), so the searchable PDF page is the size
    of the scan's.  ``scale`` is noted (1.0 when the page was left as it came).
    """
    height = line_height(page)
    if not height:
        return page.with_pixels(page.pixels, scale=1.0)
    dpi = max(round(page.dpi * _SCALE_MIN), round(page.dpi * _LINE_PX / height))
    if dpi > _SCALE_WORTH * page.dpi:
        return page.with_pixels(page.pixels, scale=1.0)
    factor = dpi / page.dpi
    rows, cols = page.pixels.shape
    size = (max(1, round(cols * factor)), max(1, round(rows * factor)))
    smaller = cv2.resize(page.pixels, size, interpolation=cv2.INTER_AREA)
    frame = page.frame and tuple(round(v * factor) for v in page.frame)  # a crop's place, in the new pixels
    return replace(page.with_pixels(smaller, scale=round(factor, 3)), dpi=dpi, frame=frame)


def line_height(page: PageImage) -> float:
    """Median height in pixels of the page's text lines (0 when it has too few to tell).

    Measured on a copy about 1000 px wide in which the letters of a line are
    run together by a short horizontal closing: a piece at least twice as
    wide as high is then a stretch of one line, top of its accents to foot of
    its descenders.  A page lying sideways has few such pieces, or thin ones,
    so it is measured small and left as it is.
    """
    pixels = page.pixels
    small, factor = reduced(pixels)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    reach = max(3, round(_WORD_GAP_IN * page.dpi / factor))
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, 1)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT] * factor, stats[1:, cv2.CC_STAT_WIDTH] * factor
    lines = heights[(heights >= _LINE_MIN_IN * page.dpi) & (heights <= _LINE_MAX_IN * page.dpi) & (widths >= 2 * heights)]
    return float(np.median(lines)) if lines.size >= _LINES_MIN else 0.0


def reduced(pixels: np.ndarray) -> tuple[np.ndarray, int]:
    """A copy about ``_SKEW_WIDTH`` pixels wide for the cheap measurements, and the whole factor it was shrunk by.

    Whole factors take OpenCV's fast path for area averaging.
    """
    factor = max(1, round(pixels.shape[1] / _SKEW_WIDTH))
    return cv2.resize(pixels, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA), factor


def crop(page: PageImage) -> PageImage:
    """Cut the blank paper around the text: Tesseract's layout analysis walks every pixel.

    Measured on sparse forms: 13 % less Tesseract CPU, the same text.  The
    offset is noted (``crop_x``, ``crop_y``, pixels) so the searchable PDF
    page puts the text back where it was on the full page.
    """
    pixels = page.pixels
    height, width = pixels.shape
    small, factor = reduced(pixels)
    _, ink = cv2.threshold(cv2.GaussianBlur(small, (0, 0), 1.0), 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows, cols = np.flatnonzero(ink.sum(axis=1) >= 2), np.flatnonzero(ink.sum(axis=0) >= 2)
    if rows.size == 0 or cols.size == 0:
        return page
    pad = round(_CROP_PAD_IN * page.dpi)
    top, bottom = max(0, rows[0] * factor - pad), min(height, (rows[-1] + 1) * factor + pad)
    left, right = max(0, cols[0] * factor - pad), min(width, (cols[-1] + 1) * factor + pad)
    if (bottom - top) * (right - left) > _CROP_WORTH * height * width:
        return page
    cropped = page.with_pixels(pixels[top:bottom, left:right], crop_x=float(left), crop_y=float(top))
    return replace(cropped, frame=(int(left), int(top), width, height))


def unline(page: PageImage) -> PageImage:
    """Erase the printed rules of a form: the dotted lines under values, digit boxes, table borders.

    Official forms (CT01's "Số định danh cá nhân" in twelve boxes, the
    dotted lines a resident writes on) put ink between and under the
    characters, and Tesseract reads it as letters: on scanned CT01 forms the
    twelve boxed digits came out as "[0[2[4Ƒ1 BIEIEISiSIEIsial", and names
    gained tails of "hhhhhh".  Tesseract's own line finder removes only long
    rules.  A rule is found as a long, thin horizontal run (dotted leaders
    bridged first); a box separator as a vertical stroke that ends on a rule
    at both ends, which no letter does.  Only those pixels are painted over
    with paper, so the text is untouched; a page without rules is returned as
    it came (the search costs a few morphological passes, tens of ms).
    """
    pixels = page.pixels
    _, ink = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rules = _horizontal_rules(ink, page.dpi)
    dots, leaders = _leader_dots(ink, page.dpi)
    if not rules.any() and not leaders:
        return page.with_pixels(pixels, unlined=0.0, leaders=0.0)
    erase = np.zeros_like(ink)
    count = 1
    if rules.any():
        ticks = _box_separators(ink, rules, page.dpi)
        erase = cv2.dilate(cv2.bitwise_or(rules, ticks), cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
        erase = cv2.bitwise_and(erase, _not_letters(ink, page.dpi))
        count, _ = cv2.connectedComponents(cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))))
    if leaders:
        # The dot's grey fringe too: a ring of half-tone pixels left behind still reads as specks.
        grow = max(3, round(_DOT_FRINGE_IN * page.dpi) | 1)
        erase = cv2.bitwise_or(erase, cv2.dilate(dots, cv2.getStructuringElement(cv2.MORPH_RECT, (grow, grow))))
    cleared = pixels.copy()
    cleared[erase > 0] = _paper_grey(pixels, ink)  # the paper's own grey: a brighter stripe is an edge too
    return page.with_pixels(cleared, unlined=float(count - 1), leaders=float(leaders))  # about how many rules


def _leader_dots(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """The dots of dotted leaders set as type ("Họ và tên: Lê Văn A ……………"), as a 0/255 mask, and how many leaders.

    A leader typed as full stops is a row of round dots too far apart for the
    rule finder to bridge (0.06 in at 12 pt); Tesseract reads the words before
    a long one as garbage ("Kính gửi: Ủy ban nhân dân xã Hưng Đạo ……" came
    out "Kính gui LÍý Dan nhàn tan xo FTUHgG DAO" on a clean 300 dpi page,
    and read right with the dots gone). A leader is six or more small,
    round, same-sized blobs standing on one baseline at an even pitch; the
    dots over letters never line up so.
    """
    count, _, stats, _ = _pieces(ink)
    biggest = max(3, round(_DOT_MAX_IN * dpi))
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    round_ = (w >= 2) & (h >= 2) & (w <= biggest) & (h <= biggest) & (np.maximum(w, h) <= 1.6 * np.minimum(w, h))
    round_[0] = False
    blobs = np.flatnonzero(round_)
    mask = np.zeros_like(ink)
    if len(blobs) < _LEADER_MIN_DOTS:
        return mask, 0
    left = stats[blobs, cv2.CC_STAT_LEFT]
    bottom = stats[blobs, cv2.CC_STAT_TOP] + h[blobs]
    low, high = round(_DOT_PITCH_IN[0] * dpi), round(_DOT_PITCH_IN[1] * dpi)
    leaders = 0
    order = np.lexsort((left, bottom))
    # Bands of blobs standing on about the same baseline (bottoms within 2 px of the one before).
    bands = np.split(order, np.flatnonzero(np.diff(bottom[order]) > 2) + 1)
    for band in bands:
        if len(band) < _LEADER_MIN_DOTS:
            continue
        band = band[np.argsort(left[band], kind="stable")]
        steps = np.diff(left[band])
        breaks = np.flatnonzero((steps < low) | (steps > high))
        for run in np.split(band, breaks + 1):
            if len(run) < _LEADER_MIN_DOTS:
                continue
            pitch, sizes = np.diff(left[run]), w[blobs[run]]
            if pitch.std() > max(2.0, 0.15 * pitch.mean()) or sizes.std() > 2.0:
                continue
            leaders += 1
            for index in blobs[run]:
                x, y, bw, bh = (int(v) for v in stats[index, :4])
                mask[y : y + bh, x : x + bw] = np.where(ink[y : y + bh, x : x + bw] > 0, 255, mask[y : y + bh, x : x + bw])
    return mask, leaders


def _not_letters(ink: np.ndarray, dpi: int) -> np.ndarray:
    """Ink that may be erased: pieces too flat to be letters (dots, dashes) and pieces wider than any word.

    A letter is a piece of ink of its own, taller than a rule is thick; the
    feet of serif letters sitting on a dotted leader line up with it, but
    they belong to letter-sized pieces and are kept. A rule that letters
    touch is one wide piece, and only its rule rows are erased.
    """
    grown = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, labels, stats, _ = _pieces(grown)
    flat = stats[:, cv2.CC_STAT_HEIGHT] <= max(4, round(2 * _RULE_THICK_IN * dpi))
    wide = stats[:, cv2.CC_STAT_WIDTH] >= round(_RULE_MIN_IN * dpi)
    free = flat | wide
    free[0] = False
    return _paint(labels, free)


def _horizontal_rules(ink: np.ndarray, dpi: int) -> np.ndarray:
    """Pixels of long thin horizontal runs (solid or dotted), as a 0/255 mask."""
    gap = max(1, round(_RULE_GAP_IN * dpi))
    length = max(10, round(_RULE_MIN_IN * dpi))
    slack = max(1, round(_RULE_SLACK_IN * dpi))
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap + 1, 1)))
    # Thickened by a few rows first, a line scanned half a degree off still runs long in one row.
    thick = cv2.dilate(bridged, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * slack + 1)))
    runs = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    # What is erased is ink that runs level for a while itself: not the tops of letters the thickening reached.
    level = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (4 * gap, 1)))
    count, labels, stats, _ = _pieces(runs)
    if count <= 1:
        return np.zeros_like(ink)
    keep = np.zeros(count, dtype=bool)
    for label in range(1, count):
        left, top, width, height, area = stats[label]
        thickness = area / width - 2 * slack  # mean, so that a slightly skewed rule still counts as thin
        if thickness > max(2.0, _RULE_THICK_IN * dpi):
            continue
        # The top edge of a word (bold capitals, a row of digits) also runs long and thin once
        # bridged, with the letters' ink right under it. A rule is either solid (a box's or a
        # table's border: ink in nearly every column) or has paper under it (a dotted line, on which
        # the value written above may touch it here and there).
        span = ink[top:top + height, left:left + width]
        solid = np.count_nonzero(span.any(axis=0)) >= _RULE_SOLID * width
        band = max(2, round(2 * thickness))
        above = ink[max(0, top - band):top, left:left + width]
        below = ink[top + height:top + height + band, left:left + width]
        keep[label] = solid or (_share(below) < 0.1 and _share(above) < _RULE_SIDE_INK)
    return cv2.bitwise_and(_paint(labels, keep), cv2.bitwise_and(level, ink))


def _pieces(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats(mask, connectivity=8)``, with 16-bit labels while they fit.

    The four searches per page are most of ``unline``'s cost, and 16-bit
    labels halve them (and the masks painted from them); a page with more
    than 65535 pieces (heavy noise) makes OpenCV refuse, and is labelled in
    32 bits instead.
    """
    try:
        return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_16U, cv2.CCL_DEFAULT)
    except cv2.error:
        return cv2.connectedComponentsWithStats(mask, connectivity=8)


def _paint(labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The 0/255 mask of the labelled pieces that ``keep`` selects.

    Through a uint8 lookup table: ``np.where(keep[labels], 255, 0)`` builds
    a full-page int64 array first (70 MB for a 300 dpi A4 page), which cost
    more than the connected-component search itself.
    """
    table = np.where(keep, 255, 0).astype(np.uint8)
    return table[labels]


def _paper_grey(pixels: np.ndarray, ink: np.ndarray) -> int:
    """``int(np.median(pixels[ink == 0]))`` from a 256-bin histogram, without copying the page's paper pixels."""
    counts = cv2.calcHist([pixels], [0], cv2.bitwise_not(ink), [256], [0, 256]).ravel().astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return 255
    cumulative = np.cumsum(counts)
    low = int(np.searchsorted(cumulative, (total - 1) // 2 + 1))  # the two middle values (equal when total is odd)
    high = int(np.searchsorted(cumulative, total // 2 + 1))
    return (low + high) // 2


def _share(mask: np.ndarray) -> float:
    return float(np.count_nonzero(mask)) / mask.size if mask.size else 0.0


def _box_separators(ink: np.ndarray, rules: np.ndarray, dpi: int) -> np.ndarray:
    """Vertical strokes that join a rule above to a rule below: the walls of digit boxes and table cells."""
    length = max(5, round(_TICK_MIN_IN * dpi))
    strokes = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    count, labels, stats, _ = _pieces(strokes)
    if count <= 1:
        return np.zeros_like(ink)
    touch = 2  # drawn walls are one piece with the rules (give or take a blurred pixel); a letter stands clear
    near_rule = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * touch + 1, 2 * touch + 1))) > 0
    keep = np.zeros(count, dtype=bool)
    for label in range(1, count):
        left, top, width, height = stats[label, :4]
        bottom = top + height - 1
        keep[label] = near_rule[top, left:left + width].any() and near_rule[bottom, left:left + width].any()
    return _paint(labels, keep)


def upright_rotation(page: PageImage, timeout_s: float) -> int:
    """Degrees clockwise that turn the page upright, from Tesseract's OSD; 0 when upright or unsure."""
    found = engine.detect_orientation(page, timeout_s)
    return found.rotate if found.confidence >= _OSD_MIN_CONFIDENCE else 0


def turn(page: PageImage, clockwise_degrees: int) -> PageImage:
    """Turn by a multiple of 90° (exact, no resampling)."""
    turned = np.rot90(page.pixels, k=-(clockwise_degrees // 90))
    return page.with_pixels(turned, rotated=float(clockwise_degrees % 360))


def deskew(page: PageImage) -> PageImage:
    """Straighten a page scanned a few degrees off; the angle comes from the text lines themselves."""
    angle = estimate_skew(page.pixels)
    if abs(angle) < _SKEW_MIN:
        return page.with_pixels(page.pixels, skew=round(-angle, 2))
    height, width = page.pixels.shape
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    # Grow the canvas so no corner of the page is cut off.
    cos, sin = abs(rotation[0, 0]), abs(rotation[0, 1])
    new_width, new_height = int(height * sin + width * cos), int(height * cos + width * sin)
    rotation[0, 2] += (new_width - width) / 2
    rotation[1, 2] += (new_height - height) / 2
    paper = int(np.percentile(page.pixels[:: max(1, height // 200), :: max(1, width // 200)], 95))
    straight = cv2.warpAffine(
        page.pixels, rotation, (new_width, new_height),
        flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=paper,
    )
    return page.with_pixels(straight, skew=round(-angle, 2), deskew_angle=round(-angle, 2))


def estimate_skew(pixels: np.ndarray) -> float:
    """Degrees to rotate counter-clockwise (OpenCV's sense) to level the text lines; 0 if unsure.

    Projection profile: the ink's row histogram is sharpest when lines lie
    level.  Rotating point coordinates instead of the picture makes each
    candidate angle cost a histogram, so a coarse-then-fine search is cheap.
    """
    ink_y, ink_x = _ink_points(pixels)
    if ink_y.size < 500:
        return 0.0

    def score(angle: float) -> float:
        theta = math.radians(angle)
        rows = np.round(ink_y * math.cos(theta) - ink_x * math.sin(theta)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    # A level line stays sharp within about ±0.7° at this size, so 1° steps cannot step over it.
    best = max(np.arange(-_SKEW_RANGE, _SKEW_RANGE + 0.01, 1.0), key=score)
    best = max(np.arange(best - 1.0, best + 1.01, 0.1), key=score)
    best = max(np.arange(best - 0.1, best + 0.101, 0.02), key=score)
    if score(best) < _SKEW_MIN_GAIN * score(0.0):
        return 0.0
    return round(float(best), 2)


def _ink_points(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of dark pixels on a reduced copy, centred, thinned to a fixed budget."""
    small, factor = reduced(pixels)
    small = cv2.GaussianBlur(small, (0, 0), 1.0)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    points = cv2.findNonZero(ink)
    if points is None:
        return np.empty(0), np.empty(0)
    points = points.reshape(-1, 2)  # (x, y) rows; OpenCV 4 adds a middle axis, 5 does not
    points = points[:: -(-len(points) // _SKEW_MAX_POINTS)].astype(np.float64)
    # Spread each pixel over its square: on the bare grid the unrotated histogram is
    # artificially sharp and wins against the true angle.
    points += np.random.default_rng(0).uniform(-0.5, 0.5, points.shape)
    return points[:, 1] - small.shape[0] / 2, points[:, 0] - small.shape[1] / 2


def clean(page: PageImage) -> PageImage:
    """Even out the paper and wash out sensor noise, then binarise, on pages that need it.

    Flattening (dividing by a paper-brightness map) removes shading that
    defeats Tesseract's global threshold; a Gaussian blur sized to the
    measured noise turns speckle back into strokes before Otsu picks the
    threshold.  On the synthetic degraded pages this took the character
    error rate from 100 % (Tesseract found no text at all) to a few percent.
    """
    noise = estimate_noise(page.pixels)
    paper = _paper_map(page.pixels)
    low, high = np.percentile(paper, (5, 95))
    if noise < _NOISE_DIRTY and high - low < _UNEVEN_DIRTY and low >= _PAPER_DARK:
        return page.with_pixels(page.pixels, noise=round(noise, 1))
    full_paper = cv2.resize(paper, (page.pixels.shape[1], page.pixels.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(page.pixels, full_paper, scale=255)
    sigma = min(2.5, max(1.0, noise / 22)) * page.dpi / 300
    smooth = cv2.GaussianBlur(flat, (0, 0), sigma)
    _, binary = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return page.with_pixels(binary, noise=round(noise, 1), cleaned=1.0)


def estimate_noise(pixels: np.ndarray) -> float:
    """Sensor-noise sigma in grey levels (Immerkær 1996): a Laplacian-difference mask cancels smooth content."""
    response = cv2.filter2D(pixels, cv2.CV_16S, _NOISE_MASK, borderType=cv2.BORDER_REFLECT)  # |r| <= 4080
    height, width = pixels.shape
    return cv2.norm(response, cv2.NORM_L1) * math.sqrt(math.pi / 2) / (6 * (width - 2) * (height - 2))


def _paper_map(pixels: np.ndarray) -> np.ndarray:
    """The paper's brightness at quarter size, ink removed by a closing wider than strokes."""
    small = cv2.resize(pixels, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    size = max(3, round(small.shape[1] / 60) | 1)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    return cv2.medianBlur(paper, 5)
