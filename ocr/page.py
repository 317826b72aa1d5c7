"""The page image that travels through preprocessing and recognition.

One small value type keeps the stages composable: each stage takes a page
and returns the same page or a new one, and records what it did in
``notes`` so the figures end up in ``PageResult.quality``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from core.errors import TooLarge

# Tesseract refuses images with a side of 32 768 pixels or more.
MAX_SIDE = 32_767


@dataclass(frozen=True, slots=True)
class PageImage:
    number: int  # 1-based within its file
    pixels: np.ndarray  # 2-D uint8 greyscale, dark ink on light paper
    dpi: int
    notes: dict[str, float] = field(default_factory=dict)
    # (left, top, full width, full height) in pixels when the pixels are a crop of a larger page
    frame: tuple[int, int, int, int] | None = None

    def with_pixels(self, pixels: np.ndarray, **notes: float) -> PageImage:
        return replace(self, pixels=np.ascontiguousarray(pixels), notes={**self.notes, **notes})


def check_page_size(number: int, width: float, height: float, max_pixels: int) -> None:
    """Refuse a page before its pixels exist, so a forged header cannot exhaust memory."""
    pixels = width * height
    if pixels > max_pixels or width > MAX_SIDE or height > MAX_SIDE:
        raise TooLarge(
            f"Trang {number} quá lớn ({int(width)} × {int(height)} điểm ảnh), "
            f"vượt giới hạn {_thousands(max_pixels)} điểm ảnh.",
        )


def check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise TooLarge(f"Tệp có {count} trang, vượt giới hạn {max_pages} trang.")


def _thousands(n: int) -> str:
    return f"{n:_}".replace("_", ".")  # Vietnamese groups digits with dots
