"""A second labelled corpus, written from the official templates' wording and layouts.

hoso's own corpus (``samples.corpus``) is made by the generator its field
extractor was written against; this one is not. It was written without reading
hoso's extractor (``domain/``) or its sample forms, from the civil-status forms
of Thông tư 04/2024/TT-BTP, CT01 of Thông tư 66/2023/TT-BCA (and 56/2021), the
household-business form of Thông tư 68/2025/TT-BTC (and 01/2021/TT-BKHĐT) and
the construction-permit application of Nghị định 175/2024 (and 15/2021), with
their usual attachments.

- ``units``: wards and communes in force (``vietnam-provinces``) and pre-reform
  ones with their successors (``vietnamadminunits``)
- ``people``: names, dates, personal IDs, addresses
- ``templates``: each procedure's form and attachments, in several layouts
- ``render``: reportlab text-layer PDFs and spoiled scans
- ``corpus``: ``generate_official_corpus`` (the entry point)

Run ``python -m samples.official OUT --count N --seed S`` to write one with its labels.json.
"""

from samples.official.corpus import generate_official_corpus

__all__ = ["generate_official_corpus"]
