"""Split a document's pages into pieces that fit one request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PAGE_SEPARATOR = "\n\n"

# Preferred places to cut a page that is too long on its own, best first.
_CUT_POINTS = ("\n\n", "\n", ". ", " ")


@dataclass(frozen=True)
class Chunk:
    first_page: int  # 1-based, as a reader counts pages
    last_page: int
    text: str

    @property
    def page_label(self) -> str:
        if self.first_page == self.last_page:
            return str(self.first_page)
        return f"{self.first_page}-{self.last_page}"


def split_into_chunks(pages: Sequence[str], *, max_chars: int) -> list[Chunk]:
    """Pack whole pages into chunks of at most `max_chars`; cut only pages longer than that.

    Blank pages are dropped. An empty list means the document has no text at all.
    """
    chunks: list[Chunk] = []
    pending: list[tuple[int, str]] = []
    pending_chars = 0

    def flush() -> None:
        nonlocal pending_chars
        if pending:
            text = PAGE_SEPARATOR.join(page for _, page in pending)
            chunks.append(Chunk(first_page=pending[0][0], last_page=pending[-1][0], text=text))
            pending.clear()
            pending_chars = 0

    for number, raw_page in enumerate(pages, start=1):
        page = raw_page.strip()
        if not page:
            continue
        if len(page) > max_chars:
            flush()
            chunks.extend(Chunk(number, number, piece) for piece in _cut(page, max_chars))
            continue
        added = len(page) + (len(PAGE_SEPARATOR) if pending else 0)
        if pending_chars + added > max_chars:
            flush()
            added = len(page)
        pending.append((number, page))
        pending_chars += added
    flush()
    return chunks


def leading_excerpt(pages: Sequence[str], *, max_chars: int) -> Chunk | None:
    """The start of the document, on a page or paragraph boundary, or None if nothing fits."""
    if max_chars < 1:
        return None
    chunks = split_into_chunks(pages, max_chars=max_chars)
    return chunks[0] if chunks else None


def _cut(text: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    while len(text) > max_chars:
        window = text[: max_chars + 1]
        cut = _best_cut(window, max_chars)
        piece, text = text[:cut].rstrip(), text[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if text:
        pieces.append(text)
    return pieces


def _best_cut(window: str, max_chars: int) -> int:
    # A cut in the first half would make many tiny pieces; cut mid-word rather than that.
    for separator in _CUT_POINTS:
        position = window.rfind(separator, 0, max_chars + 1)
        if position >= max(1, max_chars // 2):
            return position + len(separator.rstrip())
    return max_chars
