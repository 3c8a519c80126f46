"""Is the extracted text worth making notes from?

A scan gives no text; a font without a usable Unicode map gives controls, private-use glyphs or
mojibake. Both are told apart from real text, including German prose and maths lecture notes,
by the share of readable characters, the share of words that look like words of one script,
and, in Latin script, a share of vowels that some language could have.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from documents.extraction.cleaning import UNREADABLE

MIN_WORDS = 20
MIN_SCORE = 0.5
MIN_LETTERS_FOR_VOWEL_SHARE = 200
VOWEL_SHARE_RANGE = (0.28, 0.65)

_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\ufb00-\ufb06"
_LATIN_WORD = re.compile(f"[{_LATIN_LETTERS}]+")
# Words of other scripts are plausible when all their letters come from one script.
_OTHER_SCRIPT_WORD = re.compile(
    "|".join(
        f"[{letters}]+"
        for letters in (
            "\u0370-\u03ff\u1f00-\u1fff",  # Greek
            "\u0400-\u052f",  # Cyrillic
            "\u0530-\u058f",  # Armenian
            "\u0590-\u05ff",  # Hebrew
            "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc",  # Arabic
            "\u0900-\u0dff",  # the Indic scripts
            "\u0e00-\u0e7f",  # Thai
            "\u10a0-\u10ff",  # Georgian
            "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",  # Hangul
            "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",  # CJK and kana
        )
    )
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_WHITESPACE = re.compile(r"\s+")
_UNREADABLE_CHAR = re.compile(f"[{UNREADABLE}]")


def _latin_vowels() -> str:
    latin = [chr(code) for code in (*range(0x250), *range(0x1E00, 0x1F00))]
    vowels = [c for c in latin if unicodedata.normalize("NFD", c)[:1].lower() in "aeiouy"]
    return "".join(vowels) + "æøœÆØŒ"


_VOWEL = re.compile(f"[{re.escape(_latin_vowels())}]")


@dataclass(frozen=True)
class TextQuality:
    words: int  # words that look like real words
    score: float  # 0..1: share of readable characters times share of plausible words

    @property
    def is_readable(self) -> bool:
        return self.words >= MIN_WORDS and self.score >= MIN_SCORE


def text_quality(text: str) -> TextQuality:
    visible = _WHITESPACE.sub("", text)
    if not visible:
        return TextQuality(words=0, score=0.0)
    readable_share = 1 - len(_UNREADABLE_CHAR.findall(visible)) / len(visible)
    words = _WORD.findall(text)
    latin_words = [word for word in words if _LATIN_WORD.fullmatch(word)]
    plausible = sum(1 for word in words if _OTHER_SCRIPT_WORD.fullmatch(word))
    if _has_natural_vowel_share(latin_words):
        plausible += sum(1 for word in latin_words if _is_plausible_latin(word))
    plausible_share = plausible / len(words) if words else 0.0
    return TextQuality(words=plausible, score=round(readable_share * plausible_share, 3))


def _has_natural_vowel_share(latin_words: list[str]) -> bool:
    """Written languages in Latin script spend 0.33 to 0.5 of their letters on vowels; a font
    with its own encoding and no Unicode map yields a letter-for-letter cipher that rarely does."""
    letters = "".join(latin_words)
    if len(letters) < MIN_LETTERS_FOR_VOWEL_SHARE:
        return True
    return (
        VOWEL_SHARE_RANGE[0] <= len(_VOWEL.findall(letters)) / len(letters) <= VOWEL_SHARE_RANGE[1]
    )


def _is_plausible_latin(word: str) -> bool:
    # Mojibake mixes cases ("ÃœberprÃ¼fung") and strings consonants together.
    well_cased = word.islower() or word.isupper() or word.istitle()
    return well_cased and (len(word) < 4 or _VOWEL.search(word) is not None)
