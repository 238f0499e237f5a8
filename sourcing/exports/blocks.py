"""A tiny document model (headings, paragraphs, bullet lists, tables, page breaks) rendered to
DOCX (python-docx) or PDF (fpdf2), so both formats say exactly the same thing.

Text is always inserted as literal runs: a supplier named ``=HYPERLINK(...)`` is printed as
those characters. Characters XML cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: object) -> str:
    """Printable text of a value: missing -> "", CR/CRLF -> newline, control characters removed."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if not isinstance(value, (list, tuple)) and pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_INVALID.sub("", text)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Bullets | Table | PageBreak

# Every Word and PDF file a buyer downloads: A4, French administrative margins (2.5 cm), written by
# the product (never the library's name, python-docx's default author).
PRODUCT_NAME = "Sourçage ESS"
MARGIN_CM = 2.5
A4_CM = (21.0, 29.7)


def french_docx_setup(doc, title: str, author: str | None = None) -> None:
    """A4 pages with 2.5 cm margins, title, author (the buyer's organisation or the product), French."""
    from datetime import datetime

    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
    props = doc.core_properties
    props.title = clean(title)[:255]
    props.author = props.last_modified_by = clean(author or PRODUCT_NAME)[:255]
    props.language = "fr-FR"
    props.comments = ""
    props.created = props.modified = datetime.now().replace(microsecond=0)


def render_docx(blocks: Sequence[Block], title: str) -> bytes:
    """The blocks as a .docx file; `title` goes into the document properties."""
    # Imported here: python-docx is slow to import, and the CLI and the pages list exports without it.
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = Document()
    french_docx_setup(doc, title)
    doc.styles["Normal"].font.size = Pt(10)
    # python-docx looks a style name up by scanning every style of the document, on each paragraph
    # (2 s for a 30-supplier pack): resolve the few we use once and set their ids directly.
    style_ids: dict[str, str] = {}

    def styled(name: str, text: str) -> None:
        if name not in style_ids:
            style_ids[name] = doc.styles[name].style_id
        paragraph = doc.add_paragraph()
        paragraph._p.get_or_add_pPr().style = style_ids[name]
        paragraph.add_run(text)

    for block in blocks:
        if isinstance(block, Heading):
            styled("Title" if block.level == 0 else f"Heading {block.level}", clean(block.text))
        elif isinstance(block, Para):
            run = doc.add_paragraph().add_run(clean(block.text))
            run.bold, run.italic = block.bold, block.italic
        elif isinstance(block, Bullets):
            for item in block.items:
                styled("List Bullet", clean(item))
        elif isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(clean(text)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = clean(text)
        elif isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
