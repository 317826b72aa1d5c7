"""Dossier understanding, free of Prefect and of storage: plain functions over page text.

- ``catalogue``: procedures, offices, communes and problem texts, loaded from ``data/*.yaml``
- ``classify``: which procedure a dossier is, and what each page is
- ``fields``: the fields of a procedure's form, read leniently from OCR text
- ``validators`` and ``rules``: identifiers, dates and the rules of each procedure
- ``routing``: the office and commune that receive the dossier
- ``verdict``: the status that follows from the problems found
- ``deadlines``: due dates in working days and receipt codes
- ``assess``: all of the above in one call
"""
