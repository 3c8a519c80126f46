"""Each font of a document built once, not once per page that uses it.

pypdf's text extraction builds a `Font` (character map, encoding, widths) for every font of a
page's resources, on every page: 1,413 builds for the 43 fonts of a 117-page lecture, a tenth
of its extraction time. A `Font` depends only on its font dictionary, which a reader hands out
as the same object for every page, and pypdf only reads it while extracting; so inside
`fonts_cached()` a font dictionary seen before gives a copy of the `Font` built the first time.

This wraps one pypdf method, `Font.from_font_resource`, once and for good; outside the block
(in another thread, say) the wrapper calls pypdf's method straight through.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pypdf.generic import DictionaryObject
from pypdf.generic._font import Font

# id(font dictionary) -> (the dictionary, kept alive so its id stays its own; its Font)
_Cache = dict[int, tuple[DictionaryObject, Font]]
_cache: ContextVar[_Cache | None] = ContextVar("documents_extraction_fonts", default=None)
_pypdf_method: Any = Font.from_font_resource.__func__  # type: ignore[attr-defined]
_build: Any = getattr(_pypdf_method, "__wrapped__", _pypdf_method)  # not wrapped twice


@contextmanager
def fonts_cached() -> Iterator[None]:
    """Build each font dictionary's `Font` once within the block (one document's extraction)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def _from_font_resource(cls: type[Font], pdf_font_dict: DictionaryObject) -> Font:
    cache = _cache.get()
    if cache is None or cls is not Font:
        return _build(cls, pdf_font_dict)  # type: ignore[no-any-return]
    entry = cache.get(id(pdf_font_dict))
    if entry is None or entry[0] is not pdf_font_dict:
        entry = (pdf_font_dict, _build(cls, pdf_font_dict))  # a failure is not cached
        cache[id(pdf_font_dict)] = entry
    # pypdf may set the copy's space width; the maps inside are only read.
    return copy.copy(entry[1])


def _install() -> None:
    _from_font_resource.__wrapped__ = _build  # type: ignore[attr-defined]
    wrapper: Any = classmethod(_from_font_resource)
    Font.from_font_resource = wrapper  # type: ignore[method-assign]


_install()
