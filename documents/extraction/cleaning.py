"""Tidy the raw text of one page for the notes generators."""

from __future__ import annotations

import re
import unicodedata

# Glyphs that carry no text: controls (math fonts without a Unicode map produce them), the
# replacement character, the private use areas, and invisible format characters.
UNREADABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff"
_UNREADABLE = re.compile(f"[{UNREADABLE}]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    | {"\ufb05": "st", "\ufb06": "st"}
)
_SPACES = re.compile("[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACES_AROUND_NEWLINES = re.compile(" ?\n ?")
_BLANK_LINES = re.compile("\n{3,}")
# A word broken at the end of a line: soft hyphens always join; a hyphen joins a lower-case
# continuation ("adip-\niscing") and stays before an upper-case one ("Gauß-\nBonnet").
_SOFT_HYPHEN_BREAK = re.compile("\u00ad\n")
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=([^\W\d_]))")


def clean_page(text: str, *, max_chars: int) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN_BREAK.sub("", text).replace("\u00ad", "")
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    text = _INVISIBLE.sub("", _UNREADABLE.sub(" ", text))
    text = _SPACES_AROUND_NEWLINES.sub("\n", _SPACES.sub(" ", text))
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    return _BLANK_LINES.sub("\n\n", text).strip()[:max_chars]


def _join_hyphenated(match: re.Match[str]) -> str:
    return "" if match[1].islower() else "-"
