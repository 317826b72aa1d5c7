"""Vietnamese text as every room compares and stores it: NFC, and the alphabet.

One definition for the OCR library (which judges a text layer by the letters
it holds) and the domain (which matches words read by OCR): two copies had
already drifted apart in what ``nfc`` did.
"""

from __future__ import annotations

import unicodedata

_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_VOWELS = "aăâeêioôơuưy"


def _vietnamese_letters() -> frozenset[str]:
    letters = set("abcdefghijklmnopqrstuvwxyzđ" + _VOWELS)
    for vowel in _VOWELS:
        for mark in _TONE_MARKS:
            letters.add(unicodedata.normalize("NFC", vowel + mark))
    return frozenset(letters | {ch.upper() for ch in letters})


#: The Latin alphabet plus the 134 precomposed accented letters of Vietnamese, both cases.
VIETNAMESE_LETTERS: frozenset[str] = _vietnamese_letters()


def nfc(text: str) -> str:
    """Compose to NFC and drop combining marks that cannot compose.

    Every Vietnamese letter has a precomposed form, so a mark left over after
    composing is an OCR slip (a stray accent over a digit or a consonant);
    dropping it keeps every character one code point, which the domain's
    folding and cutting by position rely on.
    """
    composed = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in composed if not unicodedata.combining(ch))


def is_vietnamese_word(word: str) -> bool:
    """True when every character is a letter of the Vietnamese alphabet."""
    return bool(word) and all(ch in VIETNAMESE_LETTERS for ch in word)
