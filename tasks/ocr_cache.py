"""OCR results kept by content: the same bytes read with the same configuration are never OCRed twice.

The key is the file's SHA-256 and a digest of ``OcrOptions.version()`` (engine
version, languages, dpi, preprocessing switches), so changing any of those
misses the cache. Entries live in the archive bucket under ``cache/ocr/`` beside
the dossiers they came from: the archive stays the one place results are kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from minio.error import S3Error

from ocr.model import DocumentResult, OcrOptions, PageResult
from ocr.words import Word
from storage.objects import ObjectStore

PREFIX = "cache/ocr/"


def cache_key(sha256: str, options: OcrOptions) -> str:
    config = hashlib.sha256(options.version().encode()).hexdigest()[:16]
    return f"{PREFIX}{config}/{sha256}"


def load(store: ObjectStore, key: str) -> DocumentResult | None:
    try:
        entry = json.loads(store.get("archive", key + ".json"))
        pdf = store.get("archive", key + ".pdf") if entry.get("has_pdf") else None
    except S3Error as exc:
        if exc.code in {"NoSuchKey", "NoSuchObject"}:
            return None
        raise
    pages = tuple(
        PageResult(**{**page, "words": tuple(Word(**w) for w in page.get("words", ()))}) for page in entry["pages"]
    )
    return DocumentResult(media_type=entry["media_type"], pages=pages, searchable_pdf=pdf)


def save(store: ObjectStore, key: str, result: DocumentResult) -> None:
    if result.searchable_pdf:  # the PDF first: an entry never points at a missing PDF
        store.put("archive", key + ".pdf", result.searchable_pdf, "application/pdf")
    entry = {"media_type": result.media_type, "has_pdf": bool(result.searchable_pdf), "pages": [asdict(p) for p in result.pages]}
    store.put_json("archive", key + ".json", entry)
