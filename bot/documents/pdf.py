"""The one-page brief as an A4 PDF, drawn with fpdf2 (no browser): real text, so it can be
selected, searched and read aloud; the document's title and language are set for screen readers
and each section is a bookmark.

A Unicode font (DejaVu Sans, Debian's `fonts-dejavu-core`) is used when the machine has one; else
the PDF core font Helvetica, with characters it lacks shown as `?`."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.core.brief import Brief

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT = "DejaVuSans"
INK = (33, 37, 41)
MUTED = (95, 99, 104)
ACCENT = (31, 95, 153)
PALE = (232, 238, 245)
WIDTH = 180.0  # A4 less 15 mm margins


def to_pdf(brief: Brief) -> bytes:
    """The brief's bytes (CPU-bound: callers on the event loop run it in a worker thread)."""
    pdf = FPDF(format="A4")
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_title(brief.title)
    pdf.set_lang("en-GB")
    pdf.set_creator("howcanwe")
    pdf.set_subject("One-page brief of a participatory action plan")
    family = _fonts(pdf)
    page = _Page(pdf, family)
    pdf.add_page()
    page.heading(brief.title, 16)
    page.muted(f"Made {brief.made_at:%d %b %Y, %H:%M} UTC")
    page.figures(brief.figures)
    if brief.first:
        page.section(f"What changed in the last week (since {brief.since:%d %b %Y})")
    else:
        page.section(f"What changed since the last brief ({brief.since:%d %b %Y, %H:%M} UTC)")
    page.lines(brief.changed)
    page.section("The action grid: ideas per theme and actor")
    page.grid(brief)
    if brief.statuses:
        page.muted("Actions by status: " + ", ".join(f"{s} {n}" for s, n in brief.statuses))
    page.section(f"Live actions, most backed first ({len(brief.actions)} of {brief.actions_total})")
    page.actions(brief)
    page.section("Backed across audiences")
    page.lines(brief.backed or ("No idea is backed across audiences yet.",))
    if brief.emerging:
        page.section("Emerging themes")
        page.lines(brief.emerging)
    page.section("Votes per theme")
    page.chart(brief)
    return bytes(pdf.output())


def _fonts(pdf: FPDF) -> str:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font(FONT, "", str(regular))
            pdf.add_font(FONT, "B", str(bold))
            return FONT
    return "helvetica"


class _Page:
    """The brief's few kinds of block, in one type scale."""

    def __init__(self, pdf: FPDF, family: str) -> None:
        self.pdf = pdf
        self.family = family

    def text(self, value: str) -> str:
        if self.family == FONT:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def heading(self, value: str, size: float) -> None:
        self.font(size, bold=True, colour=ACCENT)
        self.pdf.multi_cell(
            WIDTH, 7, self.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )

    def section(self, value: str) -> None:
        self.pdf.ln(2)
        self.pdf.start_section(self.text(value))
        self.font(10.5, bold=True, colour=ACCENT)
        self.pdf.cell(WIDTH, 5.5, self.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        y = self.pdf.get_y()
        self.pdf.set_draw_color(*ACCENT)
        self.pdf.line(15, y, 15 + WIDTH, y)
        self.pdf.ln(1)

    def muted(self, value: str) -> None:
        self.font(8, colour=MUTED)
        self.pdf.multi_cell(
            WIDTH, 4, self.text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )

    def lines(self, values: tuple[str, ...]) -> None:
        self.font(8.5)
        for value in values:
            self.pdf.multi_cell(
                WIDTH,
                4.2,
                self.text(f"• {value}"),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
                align="L",
            )

    def figures(self, figures: tuple[tuple[str, str], ...]) -> None:
        self.pdf.ln(1)
        box = WIDTH / len(figures)
        top = self.pdf.get_y()
        for n, (value, label) in enumerate(figures):
            x = 15 + n * box
            self.pdf.set_fill_color(*PALE)
            self.pdf.rect(x + 1, top, box - 2, 14, style="F")
            self.pdf.set_xy(x + 1, top + 1)
            self.font(15, bold=True, colour=ACCENT)
            self.pdf.cell(box - 2, 7, self.text(value), align="C")
            self.pdf.set_xy(x + 1, top + 8)
            self.font(8, colour=MUTED)
            self.pdf.cell(box - 2, 5, self.text(label), align="C")
        self.pdf.set_xy(15, top + 15)

    def grid(self, brief: Brief) -> None:
        self.font(7.5)
        first = 52.0
        rest = (WIDTH - first) / len(brief.actors)
        with self.pdf.table(
            col_widths=(first, *(rest for _ in brief.actors)),
            width=WIDTH,
            line_height=3.8,
            text_align=("LEFT", *("CENTER" for _ in brief.actors)),
            headings_style=_heading_style(self.family),
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            table.row([self.text("Theme"), *(self.text(a) for a in brief.actors)])
            for row in brief.grid:
                table.row([self.text(row.theme), *(str(n) for n in row.counts)])

    def actions(self, brief: Brief) -> None:
        if not brief.actions:
            self.lines(("No live actions yet.",))
            return
        self.font(7.5)
        with self.pdf.table(
            col_widths=(9, 83, 30, 18, 40),
            width=WIDTH,
            text_align="LEFT",
            line_height=3.6,
            headings_style=_heading_style(self.family),
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            table.row(["#", "Idea", "Actor", "Status", "Owner · latest note"])
            for a in brief.actions:
                who = " · ".join(p for p in (a.owner, a.note) if p)
                table.row(
                    [str(a.number), self.text(a.text), self.text(a.actor), a.status, self.text(who)]
                )

    def chart(self, brief: Brief) -> None:
        """Horizontal bars, each labelled with its figure: readable in black and white."""
        top = max((b.value for b in brief.chart), default=0) or 1
        label_w, bar_w = 62.0, WIDTH - 62.0 - 14.0
        self.font(7.5)
        for bar in brief.chart:
            y = self.pdf.get_y()
            self.pdf.set_x(15)
            self.pdf.cell(label_w, 4.4, self.text(_short(bar.label, 44)))
            self.pdf.set_fill_color(*ACCENT)
            width = bar_w * bar.value / top
            if width > 0:
                self.pdf.rect(15 + label_w, y + 0.8, width, 2.8, style="F")
            self.pdf.set_xy(15 + label_w + width + 1.5, y)
            self.pdf.cell(12, 4.4, f"{bar.value:,}", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _heading_style(family: str) -> FontFace:
    return FontFace(family=family, emphasis="BOLD", color=ACCENT)


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
