"""Text normalisation and the figures that say how trustworthy a page's text is.

Everything downstream (field extraction, search, caching) compares strings,
so text leaves this library in NFC only.  The quality figures exist because
Tesseract's ``vie`` model fails in recognisable ways: it drops diacritics and
invents letters that Vietnamese does not have (ö ï ä å), and a scanner's own
text layer can be garbage that looks like text to a naive length check.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from core.text import VIETNAMESE_LETTERS, is_vietnamese_word, nfc

_CID = re.compile(r"\(cid:\d+\)")
_EDGE_PUNCT = "\"'“”‘’()[]{}<>.,;:!?…-–—/\\|*_"


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def non_vietnamese_letters(text: str) -> int:
    """Letters outside the Vietnamese alphabet: each one is almost surely an OCR slip."""
    return sum(1 for c in nfc(text) if c.isalpha() and c not in VIETNAMESE_LETTERS)


def word_count(text: str) -> int:
    return len(text.split())


def text_figures(text: str) -> dict[str, float]:
    """The quality figures every page carries, whatever its text came from."""
    return {"words": word_count(text), "non_vietnamese_letters": non_vietnamese_letters(text)}


def _is_word(token: str) -> bool:
    return is_vietnamese_word(token.strip(_EDGE_PUNCT))


def _is_junk_char(c: str) -> bool:
    """Replacement, private-use, unassigned and control characters (bar line breaks and tabs)."""
    if c == "\ufffd":
        return True
    return unicodedata.category(c) in ("Co", "Cc", "Cn") and not c.isspace()


def text_layer_is_usable(text: str, min_chars: int) -> bool:
    """Whether a PDF text layer can be trusted instead of OCR.

    Too little text means a scan (perhaps with a stamped page number).  A
    layer of ``(cid:NN)`` codes or replacement characters is a font without
    a Unicode map; tokens that are not words of the Vietnamese alphabet, or
    letters Vietnamese does not have, are a scanner's failed OCR or a legacy
    TCVN3/VNI font read as Latin-1 ("Hä vµ tªn", "Hoï vaø teân").  In all of
    these, reading the picture gives better text than the layer.
    """
    text = nfc(text)
    if len("".join(text.split())) < min_chars:
        return False
    cids = len(_CID.findall(text))
    text = _CID.sub(" ", text)
    # Tokens with digits (dates, ID numbers) and leader dots say nothing either way.
    tokens = [t for t in text.split() if not any(c.isdigit() for c in t) and t.strip(_EDGE_PUNCT)]
    letters = sum(1 for c in text if c.isalpha())
    return (
        cids <= len(tokens) // 20
        and sum(1 for c in text if _is_junk_char(c)) <= len(text) // 100
        and non_vietnamese_letters(text) <= letters // 50
        and sum(1 for t in tokens if _is_word(t)) >= 0.6 * len(tokens)
    )


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Edit distance over NFC, whitespace-folded text, per reference character."""
    ref = fold_whitespace(nfc(reference))
    hyp = fold_whitespace(nfc(hypothesis))
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
