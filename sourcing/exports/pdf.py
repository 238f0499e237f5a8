"""PDF rendering of `blocks` with fpdf2 (pure Python, no system dependency).

The PDF core font (Helvetica) covers Latin-1 only: French accents are kept, typographic
characters outside Latin-1 are replaced by their plain equivalents (– -> -, ’ -> ', œ -> oe),
and anything else by "?". Good enough for an administrative record; DOCX keeps the exact text.
"""

from __future__ import annotations

from collections.abc import Sequence

from sourcing.exports.blocks import MARGIN_CM, PRODUCT_NAME, Block, Bullets, Heading, PageBreak, Para, Table, clean

_PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‑": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "œ": "oe",
        "Œ": "OE",
        "\u202f": " ",
        "\u2009": " ",
        "€": "EUR",
        "≥": ">=",
        "≤": "<=",
        "•": "-",
        "\t": " ",
    }
)


def latin1(value: object) -> str:
    """Text the PDF core fonts can print (see module docstring)."""
    return clean(value).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def render_pdf(blocks: Sequence[Block], title: str) -> bytes:
    """The blocks as an A4 PDF; `title` goes into the document properties."""
    # Imported here: fpdf takes seconds to import, and the CLI and the pages list exports without it.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(PRODUCT_NAME))
    pdf.set_creator(latin1(PRODUCT_NAME))
    pdf.set_lang("fr-FR")
    margin_mm = MARGIN_CM * 10  # French administrative margins, as in the Word files
    pdf.set_margins(margin_mm, margin_mm, margin_mm)
    pdf.set_auto_page_break(auto=True, margin=margin_mm)
    pdf.add_page()
    sizes = {1: 16, 2: 13, 3: 11}
    for block in blocks:
        if isinstance(block, Heading):
            pdf.set_font("Helvetica", "B", sizes.get(block.level, 11))
            pdf.ln(2)
            pdf.multi_cell(0, 7, latin1(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Para):
            style = ("B" if block.bold else "") + ("I" if block.italic else "")
            pdf.set_font("Helvetica", style, 10)
            pdf.multi_cell(0, 5, latin1(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Bullets):
            pdf.set_font("Helvetica", "", 10)
            for item in block.items:
                pdf.multi_cell(0, 5, "- " + latin1(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Table):
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(first_row_as_headings=True, line_height=5) as table:
                for row in (block.header, *block.rows):
                    cells = table.row()
                    for text in row:
                        cells.cell(latin1(text))
            pdf.ln(2)
        elif isinstance(block, PageBreak):
            pdf.add_page()
    return bytes(pdf.output())
