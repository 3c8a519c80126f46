"""PDFs built for tests: text pages in Helvetica, raw content streams, a decompression bomb."""

from __future__ import annotations

import zlib
from io import BytesIO

from pypdf import PageObject, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def pdf_with_pages(*pages: list[str]) -> bytes:
    """A PDF with one page per list of lines, in Helvetica."""
    writer = PdfWriter()
    for lines in pages:
        writer.add_page(text_page(writer, text_content(lines)))
    return written(writer)


def pdf_with_content(content: bytes, *, filter_flate: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_page(text_page(writer, content, filter_flate=filter_flate))
    return written(writer)


def text_content(lines: list[str]) -> bytes:
    shown = " ".join(f"({line}) Tj T*" for line in lines)
    return f"BT /F1 11 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1")


def text_page(writer: PdfWriter, content: bytes, *, filter_flate: bool = False) -> PageObject:
    page = PageObject.create_blank_page(writer, width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(content)
    if filter_flate:  # the content is compressed already
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    return page


def written(writer: PdfWriter) -> bytes:
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def flate_bomb(megabytes: int = 300) -> tuple[bytes, zlib._Compress]:
    """Compressed spaces that inflate to `megabytes` MB (about 1.3 MB for 300), without the
    compressor's final flush, which the caller appends after whatever else it adds."""
    compressor = zlib.compressobj(1)
    chunk = b" " * 1_000_000
    return b"".join(compressor.compress(chunk) for _ in range(megabytes)), compressor


def decompression_bomb_pdf(megabytes: int = 300) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` MB."""
    bomb, compressor = flate_bomb(megabytes)
    return pdf_with_content(bomb + compressor.flush(), filter_flate=True)
