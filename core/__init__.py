"""The ground every room stands on: errors with stable codes, masking of personal data,
sealing of sources, the one settings object and Vietnamese text (NFC, the alphabet).

It imports nothing of hoso's own; ocr/, domain/, storage/ and everything above import it
(the contracts in pyproject.toml, checked by tests/test_architecture.py).
"""
