"""Chart geometry for server-drawn SVG: plain numbers in, coordinates out (templates only draw).

Charts scale with the page (a viewBox, no fixed size); colours are the Okabe-Ito palette, which
colour-blind readers can tell apart, and lines also differ by dash pattern.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.participation import Series

WIDTH = 640
ROW = 32  # a bar chart row: the bar and the gap below it
BAR = 22
LABEL_WIDTH = 230  # room for the labels left of the bars
LABEL_CHARS = 30
VALUE_ROOM = 48  # right of the longest bar, for its value
LINE_WIDTH = 960  # drawn across the page: a wider box keeps its text at reading size
LINE_HEIGHT = 280
PLOT = (56, 16, LINE_WIDTH - 32, LINE_HEIGHT - 40)  # left, top, right, bottom of the line plot
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000")
DASHES = ("", "8 4", "2 4", "10 4 2 4")


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    value: int
    y: float  # top of the bar
    length: float
    text_y: float  # baseline of the label and the value, centred on the bar

    @property
    def label(self) -> str:
        """The name, shortened to fit left of the bar (the figure's table has it whole)."""
        return self.name if len(self.name) <= LABEL_CHARS else self.name[: LABEL_CHARS - 1] + "…"

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.length + 6


@dataclass(frozen=True, slots=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR

    @property
    def height(self) -> int:
        return max(ROW, ROW * len(self.bars))

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers: "Inclusive growth 5, Fostering innovation 2"."""
        return ", ".join(f"{bar.name} {bar.value}" for bar in self.bars)


def bar_chart(items: Sequence[tuple[str, int]]) -> BarChart:
    """Horizontal bars, longest for the largest value; a zero gets no bar but keeps its row."""
    top = max((value for _, value in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    return BarChart(
        tuple(
            Bar(
                name=name,
                value=value,
                y=n * ROW + (ROW - BAR) / 2,
                length=round(room * value / top, 1),
                text_y=n * ROW + ROW / 2 + 5,
            )
            for n, (name, value) in enumerate(items)
        )
    )


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    label: str
    colour: str
    dash: str
    dots: tuple[tuple[float, float], ...]
    last: int  # the running total on the last day

    @property
    def points(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.dots)


@dataclass(frozen=True, slots=True)
class Tick:
    at: float  # x for the time axis, y for the count axis
    label: str


@dataclass(frozen=True, slots=True)
class LineChart:
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    width: int = LINE_WIDTH
    height: int = LINE_HEIGHT
    left: int = PLOT[0]
    top: int = PLOT[1]
    right: int = PLOT[2]
    bottom: int = PLOT[3]


def line_chart(series: Series, names: Mapping[str, str]) -> LineChart:
    """One line per audience that took part, running totals against even days."""
    left, top, right, bottom = PLOT
    days = series.days
    highest = max((v[-1] for v in series.totals.values() if v), default=0) or 1

    def x(n: int) -> float:
        return round(
            (left + right) / 2 if len(days) == 1 else left + (right - left) * n / (len(days) - 1), 1
        )

    def y(value: int) -> float:
        return round(bottom - (bottom - top) * value / highest, 1)

    taking_part = [(k, v) for k, v in series.totals.items() if v and v[-1]]
    lines = tuple(
        Line(
            key=key,
            label=names.get(key, key),
            colour=PALETTE[n % len(PALETTE)],
            dash=DASHES[n % len(DASHES)],
            dots=tuple((x(i), y(v)) for i, v in enumerate(values)),
            last=values[-1],
        )
        for n, (key, values) in enumerate(taking_part)
    )
    marks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    x_ticks = tuple(Tick(x(i), day_label(days[i])) for i in marks)
    y_ticks = tuple(Tick(y(v), str(v)) for v in sorted({0, highest // 2, highest}))
    return LineChart(lines, x_ticks, y_ticks)


def day_label(day: date) -> str:
    """ "2 Mar"."""
    return f"{day.day} {day:%b}"
