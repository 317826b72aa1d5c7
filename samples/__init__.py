"""Synthetic Vietnamese dossiers with their expected verdicts, for the demo, tests and benchmark.

- ``people``: names, dates of birth, personal IDs and addresses
- ``forms``: the printed content of each form and attachment
- ``render``: text-layer PDFs and scanned-looking images
- ``corpus``: labelled cases on disk (``generate_demo``, ``generate_corpus``)
- ``evaluate``: scoring pipeline results against the labels

Run ``python -m samples OUT_DIR`` to write a corpus.
"""
