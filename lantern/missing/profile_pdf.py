"""The grab pack: a child's Philomena profile on one A4 page, for the police when the child
goes missing.

Always one page: the content is laid out in a frame that shrinks it to fit when a profile is
long, rather than running onto a second sheet that can be lost. Drawn with reportlab like the
chronology export (decision 0008), with its fonts and its escaping of recorded text; the photo
is read from the private storage and never leaves the server except inside this PDF."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import dateformat, timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lantern.chronology.export import BOLD, FONT, MARKING, _fit, _register_fonts, text
from lantern.missing.selectors_profiles import GrabPack, description_text

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 12 * mm
TOP = 18 * mm
BOTTOM = 22 * mm
PHOTO_WIDTH = 55 * mm
PHOTO_MAX_HEIGHT = 70 * mm
DARK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#b1b4b6")
RED = colors.HexColor("#d4351c")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=18, leading=22),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, fontSize=10, leading=13, spaceAfter=1
        ),
        "banner": ParagraphStyle(
            "banner", parent=body, fontName=BOLD, fontSize=11, leading=14, textColor=colors.white
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
    }


def _when(value: Any, pattern: str = "j F Y H:i") -> str:
    return dateformat.format(timezone.localtime(value), pattern)


def _lines(value: str) -> str:
    """Recorded text, or a plain "Not recorded" so a blank never reads as "none"."""
    return text(value) if value.strip() else "<i>Not recorded</i>"


def _photo(data: GrabPack, styles: dict[str, ParagraphStyle]) -> list[Any]:
    profile = data.profile
    if profile is None or not profile.photo:
        return [Paragraph("<i>No photo on the profile.</i>", styles["body"])]
    try:
        with profile.photo.open("rb") as file:
            content = file.read()
    except OSError:
        return [Paragraph("<i>The photo could not be read.</i>", styles["body"])]
    width, height = ImageReader(BytesIO(content)).getSize()
    scale = min(PHOTO_WIDTH / width, PHOTO_MAX_HEIGHT / height)
    taken = (
        f"Photo taken {dateformat.format(profile.photo_taken_on, 'j F Y')}"
        if profile.photo_taken_on
        else "Date of photo not recorded"
    )
    return [
        Image(BytesIO(content), width=width * scale, height=height * scale),
        Spacer(1, 1 * mm),
        Paragraph(taken, styles["small"]),
    ]


def _facts(rows: list[tuple[str, str]], style: ParagraphStyle, width: float) -> Table:
    table = Table(
        [
            [Paragraph(f"<b>{text(label)}</b>", style), Paragraph(value, style)]
            for label, value in rows
        ],
        colWidths=[32 * mm, width - 32 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _history(data: GrabPack) -> str:
    history = data.history
    counts = ", ".join(
        f"{history.counts[days]} in the last {days} days" for days in sorted(history.counts)
    )
    found = "; ".join(text(place) for place in history.found_where[:6])
    with_whom = "; ".join(text(person) for person in history.returned_with[:4])
    parts = [f"Missing episodes: {counts}."]
    if found:
        parts.append(f"<b>Found before at:</b> {found}.")
    if with_whom:
        parts.append(f"<b>Found with:</b> {with_whom}.")
    return "<br/>".join(parts)


def _banner(data: GrabPack, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    episode = data.episode
    if episode is None:
        return []
    banner = Table(
        [
            [
                Paragraph(
                    f"MISSING NOW since {text(_when(episode.last_seen_at))}. "
                    f"Police reference: {text(episode.police_reference or 'not yet given')}",
                    styles["banner"],
                )
            ]
        ],
        colWidths=[width],
    )
    banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), RED)]))
    return [Spacer(1, 2 * mm), banner]


def _about(data: GrabPack, styles: dict[str, ParagraphStyle], width: float) -> Table:
    """The photo beside who the child is and what they look like."""
    child, profile = data.child, data.profile
    right = width - PHOTO_WIDTH - 4 * mm
    about = [
        ("Name", text(str(child))),
        ("Known as", text(child.preferred_name) if child.preferred_name else "<i>-</i>"),
        ("Date of birth", f"{text(child.birth_text)} (age {text(child.age_text)})"),
        ("Gender", text(child.get_gender_display())),
    ]
    if profile is not None:
        about += [
            ("Description", _lines(description_text(profile))),
            ("Usual clothing", _lines(profile.clothing_style)),
        ]
    else:
        about.append(("Profile", "<b>No Philomena profile has been recorded.</b>"))
    top = Table(
        [[_photo(data, styles), _facts(about, styles["body"], right)]],
        colWidths=[PHOTO_WIDTH + 4 * mm, right],
    )
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
            ]
        )
    )
    return top


def _episode(data: GrabPack, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    """Philomena part 2: what is known about this time (clothing, when and where last seen)."""
    episode = data.episode
    if episode is None:
        return []
    rows = [
        ("Last seen", text(_when(episode.last_seen_at))),
        ("Missing from", text(episode.get_missing_from_display())),
        ("Wearing", _lines(episode.clothing)),
        ("Description given", _lines(episode.description)),
        ("Circumstances", _lines(episode.circumstances)),
        (
            "Police risk grade",
            text(
                episode.police_risk_grade.label
                if episode.police_risk_grade
                else "Not yet graded by the police"
            ),
        ),
        ("Police reference", _lines(episode.police_reference)),
    ]
    return [
        Paragraph("Philomena part 2: this episode", styles["heading"]),
        _facts(rows, styles["body"], width),
        Spacer(1, 3 * mm),
    ]


def _profile_grid(data: GrabPack, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    profile = data.profile
    if profile is None:
        return []
    half = (width - 4 * mm) / 2
    pairs = [
        (("People they know", profile.associates), ("Places they go", profile.places)),
        (("Phone numbers", profile.phones), ("Social media", profile.social_media)),
        (("How they travel", profile.transport), ("Medical needs", profile.medical_needs)),
        (
            ("Language and communication", profile.communication),
            ("What calms them, what to say", profile.what_helps),
        ),
    ]
    grid = Table(
        [
            [
                [
                    Paragraph(text(label), styles["heading"]),
                    Paragraph(_lines(value), styles["body"]),
                ]
                for label, value in pair
            ]
            for pair in pairs
        ],
        colWidths=[half + 4 * mm, half],
    )
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 4 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEABOVE", (0, 0), (-1, -1), 0.25, GREY),
            ]
        )
    )
    return [grid, Spacer(1, 2 * mm)]


def _review(data: GrabPack, styles: dict[str, ParagraphStyle]) -> list[Any]:
    if data.review is None or data.profile is None:
        return []
    review = data.review
    due = (
        " <b>The profile is due for review: check it is still right.</b>" if review.overdue else ""
    )
    return [
        Spacer(1, 2 * mm),
        Paragraph(
            f"Profile last reviewed {text(_when(review.reviewed_at, 'j F Y'))} "
            f"({review.days_ago} days ago) by {text(str(data.profile.reviewed_by))}.{due}",
            styles["small"],
        ),
    ]


def grab_pack_pdf(data: GrabPack, *, printed_by: Any) -> bytes:
    """One A4 page: the marking, the photo and description, the open episode (clothing, when
    and where last seen, the police reference), people, places, phones, social media, travel,
    medical needs, what helps, the missing history, and who printed it when."""
    _register_fonts()
    styles = _styles()
    width = PAGE_WIDTH - 2 * MARGIN
    printer = f"{printed_by}" + (
        f", {printed_by.agency.name}" if getattr(printed_by, "agency", None) else ""
    )
    story: list[Any] = [
        Paragraph(f"Grab pack: {text(data.child.known_as)}", styles["title"]),
        *_banner(data, styles, width),
        Spacer(1, 3 * mm),
        _about(data, styles, width),
        Spacer(1, 3 * mm),
        *_episode(data, styles, width),
        *_profile_grid(data, styles, width),
        Paragraph("Missing history", styles["heading"]),
        Paragraph(_history(data), styles["body"]),
        *_review(data, styles),
    ]
    printed = _fit(
        f"Printed {_when(data.printed_at)} by {printer}. Keep it secure; destroy it when the "
        "young person is found.",
        FONT,
        8,
        width,
    )

    def furniture(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(BOLD, 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 10 * mm, MARKING)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, BOTTOM - 5 * mm, PAGE_WIDTH - MARGIN, BOTTOM - 5 * mm)
        canvas.drawString(MARGIN, 12 * mm, MARKING)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, 8 * mm, printed)
        canvas.restoreState()

    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=f"Grab pack for {data.child.known_as}",
        author=printer,
        subject=MARKING,
        creator="Lantern",
    )
    height = PAGE_HEIGHT - TOP - BOTTOM
    frame = Frame(MARGIN, BOTTOM, width, height, id="page", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=furniture)])
    # Shrink to fit: however much is recorded, the grab pack stays on one sheet.
    doc.build([KeepInFrame(width, height - 12, story, mode="shrink")])
    return buffer.getvalue()
