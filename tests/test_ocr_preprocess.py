"""Each preprocessing stage on a synthetic page: it fixes what is wrong and leaves a clean page alone."""

from __future__ import annotations

import math

import cv2
import numpy as np

from ocr import OcrOptions, read_document
from ocr.page import PageImage
from ocr.preprocess import deskew, prepare
from ocr.text import character_error_rate
from tests.ocr_pages import SHORT_LINES, encode_image, render_page, rotate, scanned, shade

REFERENCE = "\n".join(SHORT_LINES)
OPTIONS = OcrOptions(languages="vie")


def read_png(picture: object, options: OcrOptions = OPTIONS):  # noqa: ANN201 - a PageResult
    (page,) = read_document(encode_image(picture, "PNG"), options).pages
    return page


def rule_angle(pixels: np.ndarray) -> float:
    """Angle in degrees of the longest dark stroke, measured apart from the code under test."""
    _, ink = cv2.threshold(pixels, 128, 255, cv2.THRESH_BINARY_INV)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink)
    longest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_WIDTH]))
    ys, xs = np.nonzero(labels == longest)
    slope = np.polyfit(xs, ys, 1)[0]
    return math.degrees(math.atan(slope))


def test_page_upside_down_comes_out_upright() -> None:
    page = read_png(rotate(render_page(SHORT_LINES), 180))

    assert page.quality["rotated"] == 180
    assert character_error_rate(REFERENCE, page.text) < 0.05, page.text


def test_page_on_its_side_comes_out_upright() -> None:
    page = read_png(rotate(render_page(SHORT_LINES), 90))

    assert page.quality["rotated"] == 90
    assert character_error_rate(REFERENCE, page.text) < 0.05, page.text


def test_three_degree_skew_comes_out_under_half_a_degree() -> None:
    crooked = np.asarray(rotate(render_page(SHORT_LINES, rule=True), 3))
    assert abs(rule_angle(crooked)) > 2.5  # the yardstick sees the skew

    straight = deskew(PageImage(number=1, pixels=crooked, dpi=300))

    assert abs(rule_angle(straight.pixels)) < 0.5
    assert abs(straight.notes["deskew_angle"] - 3) < 0.5


def test_skewed_page_is_read_straight() -> None:
    page = read_png(rotate(render_page(SHORT_LINES), -3))

    assert abs(page.quality["deskew_angle"] + 3) < 0.5
    assert character_error_rate(REFERENCE, page.text) < 0.05, page.text


def test_clean_page_is_left_alone() -> None:
    pixels = np.asarray(render_page(SHORT_LINES))

    prepared = prepare(PageImage(number=1, pixels=pixels, dpi=300), OPTIONS)

    # Untouched: at most the blank paper around the text is cut off and, type this large, the resolution
    # brought down to what Tesseract needs (both cheaper for Tesseract); no pixel corrected.
    left, top = int(prepared.notes.get("crop_x", 0)), int(prepared.notes.get("crop_y", 0))
    height, width = prepared.pixels.shape
    scale = prepared.notes["scale"]
    assert scale < 1 and prepared.dpi == round(300 * scale)
    crop = pixels[top:top + round(height / scale), left:left + round(width / scale)]
    assert np.array_equal(prepared.pixels, cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA))
    assert "cleaned" not in prepared.notes and "deskew_angle" not in prepared.notes
    page = read_png(render_page(SHORT_LINES))
    assert (page.quality["rotated"], page.quality["deskew_angle"], page.quality["cleaned"]) == (0, 0, 0)


def test_dirty_scan_is_cleaned_and_reads_better() -> None:
    dirty = scanned(render_page(SHORT_LINES), blur=1.5, noise=40, paper=200, ink=70)

    raw = read_png(dirty, OcrOptions(languages="vie", clean=False))
    cleaned = read_png(dirty)

    assert cleaned.quality["cleaned"] == 1
    assert character_error_rate(REFERENCE, cleaned.text) < 0.05, cleaned.text
    assert character_error_rate(REFERENCE, raw.text) > 0.3  # plain Tesseract loses this page


def test_shaded_scan_is_flattened() -> None:
    shaded = scanned(shade(render_page(SHORT_LINES), 0.55), blur=0.8, noise=15)

    page = read_png(shaded)

    assert page.quality["cleaned"] == 1
    assert character_error_rate(REFERENCE, page.text) < 0.05, page.text
