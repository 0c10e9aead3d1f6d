"""A person's chronology as a PDF, for a strategy meeting or a court bundle.

The entries come from `timeline()`, the selector behind the person page, so the export can
never hold an entry (or an addendum) that the exporting user could not see on the page: the
same handling rules and the same filters apply. Built with reportlab's platypus (decision
record 0008). Every piece of recorded text is escaped before it reaches reportlab's paragraph
markup, so a name such as "Kay & <Lee>" is printed as written rather than read as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import dateformat, timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lantern.accounts.models import Agency
from lantern.chronology.models import ChronologyEntry, EntryKind, Significance
from lantern.chronology.selectors import TimelineFilter, timeline

MARKING = "OFFICIAL-SENSITIVE: contains personal data about a child"
HANDLING_LABELS = {
    "police_only": "Police only",
    "health_only": "Health only",
    "sealed": "Sealed",
}

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
TOP = 22 * mm  # room for the marking above the frame
BOTTOM = 24 * mm  # room for the marking, the document line and the page number
HEADINGS_HEIGHT = 7 * mm
COLUMNS = [("When", 27 * mm), ("Type", 31 * mm), ("Entry", 88 * mm), ("Source", 34 * mm)]
COLUMN_WIDTHS = [width for _, width in COLUMNS]


@dataclass(frozen=True)
class ChronologyPdf:
    content: bytes
    entries: int
    addenda: int
    filename: str


# --- Fonts and styles ----------------------------------------------------------------------
# Bitstream Vera ships inside the reportlab package; embedding it means the PDF looks the same
# in every viewer and its text can be searched and copied. It covers Western European scripts.

FONT, BOLD, ITALIC, BOLD_ITALIC = "LanternVera", "LanternVeraBd", "LanternVeraIt", "LanternVeraBI"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in [
        (FONT, "Vera.ttf"),
        (BOLD, "VeraBd.ttf"),
        (ITALIC, "VeraIt.ttf"),
        (BOLD_ITALIC, "VeraBI.ttf"),
    ]:
        pdfmetrics.registerFont(TTFont(name, file))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=18, leading=22),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=11, leading=14),
        "intro": ParagraphStyle("intro", parent=body, fontSize=10, leading=13, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=2),
        "quote": ParagraphStyle("quote", parent=body, leftIndent=6, spaceAfter=2),
        "addendum": ParagraphStyle(
            "addendum", parent=body, leftIndent=6, spaceBefore=3, spaceAfter=2
        ),
        "th": ParagraphStyle("th", parent=body, fontName=BOLD, textColor=colors.white),
    }


def text(value: str) -> str:
    """Recorded text made safe for reportlab's paragraph markup, keeping its line breaks."""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


def _when(value: datetime) -> str:
    return dateformat.format(timezone.localtime(value), "j F Y H:i")


def _when_lines(value: datetime) -> list[str]:
    local = timezone.localtime(value)
    return [dateformat.format(local, "j M Y"), dateformat.format(local, "H:i")]


def _same_minute(a: datetime, b: datetime) -> bool:
    """As the page decides whether to show when an entry was recorded."""
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _fit(line: str, font: str, size: float, width: float) -> str:
    """A line for the page furniture, shortened with an ellipsis to fit (it cannot wrap)."""
    if pdfmetrics.stringWidth(line, font, size) <= width:
        return line
    while line and pdfmetrics.stringWidth(line + "\u2026", font, size) > width:
        line = line[:-1]
    return line + "\u2026"


# --- Page furniture --------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds every page until the document is finished, so each can say "page X of Y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, page in enumerate(self._held_pages, start=1):
            self.__dict__.update(page)
            self.setFont(FONT, 8)
            self.drawRightString(PAGE_WIDTH - MARGIN, 9 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def _furniture(document_line: str) -> Callable[[Canvas, Any], None]:
    """The marking at the top and foot of every page, and what the document is."""

    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(BOLD, 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 12 * mm, MARKING)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, BOTTOM - 6 * mm, PAGE_WIDTH - MARGIN, BOTTOM - 6 * mm)
        canvas.drawString(MARGIN, 13.5 * mm, MARKING)
        canvas.setFont(FONT, 8)
        canvas.drawString(
            MARGIN, 9 * mm, _fit(document_line, FONT, 8, PAGE_WIDTH - 2 * MARGIN - 30 * mm)
        )
        canvas.restoreState()

    return draw


def _headings(styles: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(label, styles["th"]) for label, _ in COLUMNS]],
        colWidths=COLUMN_WIDTHS,
        rowHeights=[HEADINGS_HEIGHT],
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#0b0c0c")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#0b0c0c")),
            ]
        )
    )
    return table


def _headings_on_continuation(styles: dict[str, ParagraphStyle]) -> Callable[[Canvas, Any], None]:
    """Pages after the first repeat the table's column headings above the frame."""

    def draw(canvas: Canvas, doc: Any) -> None:
        table = _headings(styles)
        table.wrapOn(canvas, PAGE_WIDTH - 2 * MARGIN, HEADINGS_HEIGHT)
        table.drawOn(canvas, MARGIN, PAGE_HEIGHT - TOP - HEADINGS_HEIGHT)

    return draw


# --- The document ----------------------------------------------------------------------------


def _may_break(entry: ChronologyEntry) -> int:
    """Whether an entry's row may break across pages. A short one moves whole to the next page,
    which reads better; one of more than a dozen lines or so (a third of a page at most, by a
    generous estimate of about 60 characters a line) breaks, so that any length fits."""
    texts = [entry.summary, entry.detail, entry.verbatim, entry.place + entry.present]
    texts += [addendum.detail for addendum in entry.addenda.all()]
    lines = sum(len(line) // 60 + 1 for value in texts for line in value.splitlines() or [""])
    return int(lines + 2 * len(entry.addenda.all()) > 12)


def _entry_text(entry: ChronologyEntry, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """The summary, detail, the exact words of an evidential note, and the addenda under it."""
    cell = styles["cell"]
    body: list[Any] = [Paragraph(f"<b>{text(entry.summary)}</b>", cell)]
    if entry.detail:
        body.append(Paragraph(text(entry.detail), cell))
    if entry.verbatim:
        body.append(Paragraph("<b>Exact words:</b>", cell))
        body.append(Paragraph(f"\u201c{text(entry.verbatim)}\u201d", styles["quote"]))
        where = [
            f"<b>{label}:</b> {text(value)}"
            for label, value in [("Where", entry.place), ("Present", entry.present)]
            if value
        ]
        if where:
            body.append(Paragraph(". ".join(where), cell))
    for addendum in entry.addenda.all():
        by = f" by {text(str(addendum.author))}" if addendum.author else ""
        when = text(_when(addendum.recorded_at))
        body.append(
            Paragraph(f"<b>Addendum {when}{by}:</b> {text(addendum.detail)}", styles["addendum"])
        )
    return body


def _entry_row(entry: ChronologyEntry, styles: dict[str, ParagraphStyle]) -> Table:
    cell = styles["cell"]
    # The when and type cells are plain lines rather than paragraphs: reportlab draws them
    # without measuring and wrapping them, which saves about 15% of a long export's time.
    when = _when_lines(entry.occurred_at)
    if not _same_minute(entry.recorded_at, entry.occurred_at):
        when += ["Recorded", *_when_lines(entry.recorded_at)]
    kind = [entry.get_kind_display()]
    significant = entry.significance == Significance.SIGNIFICANT
    if significant:
        kind.append("SIGNIFICANT")
    if entry.handling in HANDLING_LABELS:
        kind.append(HANDLING_LABELS[entry.handling])
    source = [
        Paragraph(text(value), cell)
        for value in [
            entry.source_agency.name if entry.source_agency else "",
            str(entry.author) if entry.author else "",
        ]
        if value
    ] or [Paragraph("<i>Recorded by the system</i>", cell)]
    row = Table(
        [["\n".join(when), "\n".join(kind), _entry_text(entry, styles), source]],
        colWidths=COLUMN_WIDTHS,
        splitInRow=_may_break(entry),
    )
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (1, 0), FONT, 8.5, 10.5),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#505a5f")),
        ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if significant:
        style.append(("BACKGROUND", (1, 0), (1, 0), colors.HexColor("#f4dcd7")))
    row.setStyle(TableStyle(style))
    return row


def _filter_lines(filters: TimelineFilter) -> list[str]:
    lines = []
    if filters.kind:
        lines.append(f"Type: {EntryKind(filters.kind).label}")
    if filters.agency:
        name = Agency.objects.filter(pk=filters.agency).values_list("name", flat=True).first()
        lines.append(f"Source agency: {name or 'an agency no longer recorded'}")
    if filters.significant_only:
        lines.append("Significant events only")
    if filters.start:
        lines.append(f"Happened on or after {dateformat.format(filters.start, 'j F Y')}")
    if filters.end:
        lines.append(f"Happened on or before {dateformat.format(filters.end, 'j F Y')}")
    return lines


def chronology_pdf(*, user: Any, person: Any, filters: TimelineFilter) -> ChronologyPdf:
    """The person's chronology as `user` may see it on the person page, with `filters`
    applied, as a PDF. The caller has already fetched `person` through the access policy."""
    _register_fonts()
    styles = _styles()
    entries = list(timeline(user, person, filters))
    addenda = sum(len(entry.addenda.all()) for entry in entries)
    now = timezone.localtime()
    exporter = f"{user}" + (f", {user.agency.name}" if getattr(user, "agency", None) else "")

    story: list[Any] = [NextPageTemplate("continuation")]
    story.append(Paragraph(f"Chronology of {text(str(person))}", styles["title"]))
    story.append(Spacer(1, 3 * mm))
    born = dateformat.format(person.date_of_birth, "j F Y") if person.date_of_birth else "Not known"
    for label, value in [
        ("Date of birth", born),
        ("Exported by", exporter),
        ("Exported at", _when(now)),
        ("Entries", f"{len(entries)}" + (f", with {addenda} addenda" if addenda else "")),
    ]:
        story.append(Paragraph(f"<b>{label}:</b> {text(value)}", styles["intro"]))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("What this chronology shows", styles["heading"]))
    lines = _filter_lines(filters)
    shown = (
        "Filters applied: " + "; ".join(text(line) for line in lines) + "."
        if lines
        else "No filters: every entry the exporter may see."
    )
    story.append(Paragraph(shown, styles["intro"]))
    story.append(
        Paragraph(
            "Newest first, as on the person page. Entries held under handling rules that the "
            "exporter may not see (police only, health only, sealed by another worker) are not "
            "included. Entries are never changed once recorded; corrections are printed as "
            "addenda under the entry they amend.",
            styles["intro"],
        )
    )
    story.append(Spacer(1, 4 * mm))
    if entries:
        # The headings never end a page alone; a long first entry then flows on from them.
        story.append(CondPageBreak(30 * mm))
        story.append(_headings(styles))
        story.extend(_entry_row(entry, styles) for entry in entries)
    else:
        story.append(Paragraph("<b>No entries match these filters.</b>", styles["intro"]))

    buffer = BytesIO()
    title = f"Chronology of {person}"
    document_line = f"{title}. Exported {_when(now)} by {exporter}."
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=title,
        author=exporter,
        subject=MARKING,
        creator="Lantern",
    )
    frame_width = PAGE_WIDTH - 2 * MARGIN
    first = Frame(MARGIN, BOTTOM, frame_width, PAGE_HEIGHT - TOP - BOTTOM, id="first")
    later = Frame(
        MARGIN, BOTTOM, frame_width, PAGE_HEIGHT - TOP - BOTTOM - HEADINGS_HEIGHT, id="later"
    )
    furniture = _furniture(document_line)

    def continuation(canvas: Canvas, doc: Any) -> None:
        furniture(canvas, doc)
        _headings_on_continuation(styles)(canvas, doc)

    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first], onPage=furniture),
            PageTemplate(
                id="continuation",
                frames=[later],
                onPage=continuation if entries else furniture,
            ),
        ]
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return ChronologyPdf(
        content=buffer.getvalue(),
        entries=len(entries),
        addenda=addenda,
        filename=f"chronology-{str(person.pk)[:8]}-{now:%Y-%m-%d}.pdf",
    )
