"""Reading back the PDFs we print: their text (as a reader's PDF viewer extracts it) and pages."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pages(pdf: bytes) -> int:
    """How many pages the PDF has."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text(pdf: bytes) -> str:
    """The text of every page, with runs of whitespace (line breaks included) as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def page_text(pdf: bytes, number: int) -> str:
    """The text of one page (0-based), whitespace collapsed."""
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[number].extract_text().split())


def images(pdf: bytes) -> int:
    """How many images the pages draw."""
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(value: str) -> str:
    """`value` with runs of whitespace as one space, to compare with extracted text."""
    return " ".join(value.split())
