"""A fast reader of page content streams, for text extraction only.

pypdf parses content streams one byte at a time: on a 117-page lecture with TikZ figures that
was about 60% of the extraction time. This reader tokenises the same grammar with one regular
expression, keeps only the operations that pypdf's text extractor acts on, and hands them to
pypdf already parsed, so pypdf's own extractor produces exactly the text it would have produced
(tests/documents/test_extraction.py compares the two on every page of the corpus).

Whatever this reader does not handle (inline images, escaped names, odd syntax) it leaves to
pypdf's own parser, page by page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, ByteStringObject, ContentStream, NameObject
from pypdf.generic._utils import read_string_from_stream

Operation = tuple[list[Any], bytes]

# The operators pypdf's plain text extraction reads (`PageObject._extract_text`); every other
# operation (paths, colours, marked content...) is dropped with its operands.
TEXT_OPERATORS = frozenset(
    b"BT ET q Q cm Tz Tc Tw TL Tf Td TD Tm T* Tj TJ ' \" Do".split(),
)

# As in pypdf: tokens are separated by its whitespace, and operators and names end at regex
# whitespace (which has \x0b and lacks \x00) or a delimiter.
_WHITESPACE = rb"\x00\t\n\x0c\r "
_REGULAR = rb"[^\t\n\x0b\x0c\r ()<>\[\]{}/%]"
_NUMBER = rb"[-+.0-9]+"
_TOKEN = re.compile(
    rb"(?:[" + _WHITESPACE + rb"]+|%[^\r\n]*)*+"  # whitespace and comments before the token
    rb"(?:"
    # A run of numbers, with the operator that follows it: one match for most operations.
    rb"(?P<numbers>" + _NUMBER + rb"(?:[" + _WHITESPACE + rb"]+" + _NUMBER + rb")*+)"
    rb"(?:[" + _WHITESPACE + rb"]+(?P<numbers_operator>[A-Za-z'\"]" + _REGULAR + rb"*))?"
    rb"|(?P<operator>[A-Za-z'\"]" + _REGULAR + rb"*)"
    rb"|(?P<name>/" + _REGULAR + rb"*)"
    rb"|(?P<plain_string>\([^()\\]*\))"
    rb"|(?P<string>\()"  # with escapes or nested parentheses: read by pypdf
    rb"|(?P<dict_open><<)|(?P<dict_close>>>)"
    rb"|(?P<hex_string><[0-9A-Fa-f" + _WHITESPACE + rb"]*>)"
    rb"|(?P<array_open>\[)|(?P<array_close>\])"
    rb"|(?P<end>\Z)"
    rb")"
)
_HEX_WHITESPACE = re.compile(rb"[" + _WHITESPACE + rb"]")
_DICTIONARY = object()  # stands for a dictionary operand, which no kept operator takes
CONTENTS = NameObject("/Contents")


class UnsupportedContent(Exception):
    """The stream uses syntax this reader leaves to pypdf."""


@contextmanager
def fast_text_operations(reader: PdfReader, page: PageObject) -> Iterator[None]:
    """Within the block, `page` has its text operations ready-parsed, unless this reader leaves
    the page to pypdf. They are dropped afterwards: kept for every page of a long document they
    would triple the memory extraction needs."""
    prepared = _prepared_content(reader, page)
    if prepared is None:
        yield
        return
    original = page.raw_get(CONTENTS)
    page[CONTENTS] = prepared
    try:
        yield
    finally:
        page[CONTENTS] = original


def _prepared_content(reader: PdfReader, page: PageObject) -> ContentStream | None:
    content = page.get_contents()
    if content is None:
        return None
    data = content.get_data()
    try:
        operations = text_operations(data)
    except UnsupportedContent:
        return None
    prepared = ContentStream(None, reader, "bytes")
    if operations:
        # pypdf reads the bytes only to look for text operators, then takes the operations.
        prepared.set_data(data)
        prepared._operations = operations
    return prepared


def text_operations(data: bytes) -> list[Operation]:
    """The text-related operations of a content stream, as pypdf's parser would build them."""
    # One flat loop with local names: this runs once per token, a million times for a long
    # lecture, and attribute lookups and calls would cost a fifth of the time saved.
    operations: list[Operation] = []
    operands: list[Any] = []
    enclosing: list[tuple[list[Any], bool]] = []  # per open array or dictionary
    in_dictionary = False
    position = 0
    match_token = _TOKEN.match
    while True:
        match = match_token(data, position)
        if match is None:
            raise UnsupportedContent("unexpected syntax")
        position = match.end()
        kind = match.lastgroup
        if kind == "numbers_operator" or kind == "operator":
            if in_dictionary:
                continue  # true, false or null in a dictionary, which is dropped anyway
            operator = match[kind]
            if enclosing or operator == b"BI":
                raise UnsupportedContent("a keyword in an array, or an inline image")
            if operator in TEXT_OPERATORS:
                if kind == "numbers_operator":
                    operands.extend(_numbers(match["numbers"]))
                if _DICTIONARY in operands:
                    raise UnsupportedContent("a dictionary operand")
                operations.append((operands, operator))
            operands = []
        elif kind == "numbers":
            operands.extend(_numbers(match[kind]))
        elif kind == "plain_string":
            operands.append(ByteStringObject(match[kind][1:-1]))
        elif kind == "array_open" or kind == "dict_open":
            enclosing.append((operands, in_dictionary))
            operands, in_dictionary = [], kind == "dict_open"
        elif kind == "array_close" or kind == "dict_close":
            if not enclosing or in_dictionary != (kind == "dict_close"):
                raise UnsupportedContent("unbalanced array or dictionary")
            value = _DICTIONARY if in_dictionary else ArrayObject(operands)
            operands, in_dictionary = enclosing.pop()
            operands.append(value)
        elif kind == "name":
            operands.append(_name(match[kind]))
        elif kind == "hex_string":
            operands.append(_hex_string(match[kind][1:-1]))
        elif kind == "string":
            string, position = _escaped_string(data, match.end() - 1)
            operands.append(string)
        elif enclosing:
            raise UnsupportedContent("unterminated array or dictionary")
        else:
            return operations


def _escaped_string(data: bytes, start: int) -> tuple[ByteStringObject, int]:
    """A string with escapes or nested parentheses, read by pypdf, and where it ends."""
    stream = BytesIO(data)
    stream.seek(start)
    string = read_string_from_stream(stream, "bytes")
    assert isinstance(string, ByteStringObject)  # forced to bytes
    return string, stream.tell()


def _numbers(run: bytes) -> list[int | float]:
    try:
        return [float(token) if b"." in token else int(token) for token in run.split()]
    except ValueError as malformed:
        raise UnsupportedContent("malformed number") from malformed


def _hex_string(digits: bytes) -> ByteStringObject:
    digits = _HEX_WHITESPACE.sub(b"", digits)
    if len(digits) % 2:
        digits += b"0"
    return ByteStringObject(bytes.fromhex(digits.decode("ascii")))


def _name(token: bytes) -> NameObject:
    if b"#" in token or not token.isascii():
        raise UnsupportedContent("escaped name")
    return NameObject(token.decode("ascii"))
