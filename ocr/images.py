"""Picture files (PNG, JPEG, TIFF with any number of pages) as greyscale page images.

Limits are checked from the header before any pixel is decoded: Pillow reads
only the header in ``Image.open``, so a file that claims 50 000 × 50 000
pixels is refused without allocating them.  Pillow's own decompression-bomb
guard (``Image.MAX_IMAGE_PIXELS``, left at its process-wide default) refuses
claims over twice its limit inside ``Image.open``, before our check can run;
that refusal is reported as the same TooLarge.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PIL import Image, ImageOps

from core.errors import CorruptFile, HosoError, TooLarge
from ocr.model import OcrOptions
from ocr.page import PageImage, check_page_count, check_page_size
from ocr.sniff import JPEG, PNG, TIFF

_PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF"}

# Many writers store 72 dpi (or nothing) whatever the real resolution; below
# this the header is not believed and the configured scan resolution is used.
_MIN_TRUSTED_DPI = 100
_MAX_TRUSTED_DPI = 1200


def image_pages(data: bytes, media_type: str, options: OcrOptions) -> Iterator[PageImage]:
    """Yield each page of a picture file, decoding one page at a time to bound memory."""
    with _decoding():
        image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[media_type]])
        count = getattr(image, "n_frames", 1)  # walks a TIFF's page directory, not its pixels
    with image:
        check_page_count(count, options.max_pages)
        for index in range(count):
            number = index + 1
            with _decoding():
                image.seek(index)
                check_page_size(number, image.width, image.height, options.max_page_pixels)
                pixels = _grey(ImageOps.exif_transpose(image))
            yield PageImage(number=number, pixels=pixels, dpi=_dpi(image, options.dpi))


@contextmanager
def _decoding() -> Iterator[None]:
    """Pillow's plugins fail on malformed files with many exception types; all mean "corrupt"."""
    try:
        yield
    except HosoError:
        raise
    except Image.DecompressionBombError as exc:
        raise TooLarge("Ảnh quá lớn, vượt giới hạn số điểm ảnh.", detail=str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - see docstring
        raise CorruptFile(
            "Tệp ảnh bị hỏng hoặc không đầy đủ, không đọc được.", detail=f"{type(exc).__name__}: {exc}"
        ) from exc


def _grey(image: Image.Image) -> np.ndarray:
    """8-bit grey is all Tesseract uses, and a third of the memory of RGB."""
    if image.mode.startswith("I;16"):
        return (np.asarray(image) >> 8).astype(np.uint8)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent regions are paper, not ink.
        flat = Image.new("RGBA", image.size, "white")
        flat.alpha_composite(image.convert("RGBA"))
        image = flat
    return np.asarray(image.convert("L"))


def _dpi(image: Image.Image, default: int) -> int:
    x_dpi = image.info.get("dpi", (0, 0))[0]
    try:
        dpi = round(float(x_dpi))
    except (TypeError, ValueError):
        return default
    return dpi if _MIN_TRUSTED_DPI <= dpi <= _MAX_TRUSTED_DPI else default
