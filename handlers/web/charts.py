"""Chart geometry for server-drawn SVG: plain numbers in, coordinates out (templates only draw).

Charts scale with the page (a viewBox), but never below `width` CSS pixels at the default text
size (the stylesheet sets a minimum width in em, the box scrolls sideways instead), so chart text
is never drawn smaller than its size in user units and grows with the reader's text size. Colours
are dark Okabe-Ito tones, each at least 4.5:1 against white, and never carry meaning alone: each
audience's line also has its own dash pattern and marker shape, and is labelled at its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.participation import Series, Step

WIDTH = 520  # the stylesheet's minimum chart widths (in em) are these over 16
ROW = 32  # a bar chart row: the bar and the gap below it
BAR = 22
LABEL_WIDTH = 230  # room for the labels left of the bars
LABEL_CHARS = 30
VALUE_ROOM = 48  # right of the longest bar, for its value
LINE_WIDTH = 700
LINE_HEIGHT = 300
END_LABEL_ROOM = 210  # right of the plot, for each line's name and last total
END_LABEL_CHARS = 18
END_LABEL_GAP = 16  # the least distance between two lines' end labels
PLOT = (48, 36, LINE_WIDTH - END_LABEL_ROOM, LINE_HEIGHT - 36)  # left, top, right, bottom
Y_UNIT = "Ideas and votes so far"
PALETTE = ("#0072b2", "#b35900", "#007a5a", "#a6527d", "#1b1b1b")
DASHES = ("", "8 4", "2 4", "10 4 2 4")
SHAPES = ("circle", "square", "triangle", "diamond")
MARK = 5  # a marker's half width
MARKED_POINTS = 40  # up to this many points per line each get a marker


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
    shape: str
    dots: tuple[tuple[float, float], ...]
    last: int  # the running total at the end of the last bucket
    end_y: float = 0.0  # baseline of the label at the line's end, clear of the other labels
    marked: bool = True  # a marker on every point (few enough to tell apart)

    @property
    def points(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.dots)

    @property
    def marks(self) -> str:
        """Path data for a marker of the line's shape on every point, or (too many points to
        tell apart) on its last, so the line keeps its own shape in the chart."""
        shown = self.dots if self.marked else self.dots[-1:]
        return "".join(marker(self.shape, x, y) for x, y in shown)

    @property
    def end_x(self) -> float:
        return self.dots[-1][0] + 2 * MARK if self.dots else 0.0

    @property
    def end_label(self) -> str:
        """ "Community 5": the name (shortened; the figures table has it whole), then the total."""
        name = self.label
        if len(name) > END_LABEL_CHARS:
            name = name[: END_LABEL_CHARS - 1] + "…"
        return f"{name} {self.last}"


def marker(shape: str, x: float, y: float, r: float = MARK) -> str:
    """A filled marker centred on (x, y): a circle, square, triangle or diamond."""
    if shape == "square":
        return f"M{x - r},{y - r}h{2 * r}v{2 * r}h{-2 * r}z"
    if shape == "triangle":
        return f"M{x},{y - r * 1.2}l{r * 1.2},{r * 2.1}h{-r * 2.4}z"
    if shape == "diamond":
        d = r * 1.35
        return f"M{x},{y - d}l{d},{d}l{-d},{d}l{-d},{-d}z"
    return f"M{x - r},{y}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0z"


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
    unit: str = Y_UNIT
    step: Step = Step.DAY

    @property
    def per(self) -> str:
        """What a point stands for: "hour (UTC)", "day (UTC)", "week (UTC, from Monday)"."""
        return {Step.HOUR: "hour (UTC)", Step.DAY: "day (UTC)"}.get(
            self.step, "week (UTC, from Monday)"
        )


def line_chart(series: Series, names: Mapping[str, str]) -> LineChart:
    """One line per audience that took part, running totals against even buckets (hours, days
    or weeks, whichever suits the span: `running_totals`)."""
    left, top, right, bottom = PLOT
    buckets = series.buckets
    highest = max((v[-1] for v in series.totals.values() if v), default=0) or 1

    def x(n: int) -> float:
        if len(buckets) == 1:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * n / (len(buckets) - 1), 1)

    def y(value: int) -> float:
        return round(bottom - (bottom - top) * value / highest, 1)

    taking_part = [(k, v) for k, v in series.totals.items() if v and v[-1]]
    marked = len(buckets) <= MARKED_POINTS  # beyond, markers would merge into a thick line
    lines = _labelled(
        Line(
            key=key,
            label=names.get(key, key),
            colour=PALETTE[n % len(PALETTE)],
            dash=DASHES[n % len(DASHES)],
            shape=SHAPES[n % len(SHAPES)],
            dots=tuple((x(i), y(v)) for i, v in enumerate(values)),
            last=values[-1],
            marked=marked,
        )
        for n, (key, values) in enumerate(taking_part)
    )
    marks = sorted({0, len(buckets) // 2, len(buckets) - 1}) if buckets else []
    x_ticks = tuple(Tick(x(i), bucket_label(buckets[i], series.step)) for i in marks)
    y_ticks = tuple(Tick(y(v), str(v)) for v in sorted({0, highest // 2, highest}))
    return LineChart(lines, x_ticks, y_ticks, step=series.step)


def _labelled(lines: Iterable[Line]) -> tuple[Line, ...]:
    """Each line with its end label beside its last point, pushed down clear of the label above
    (lines that end level would otherwise print their names over each other), and all moved up
    together if that pushed the lowest off the chart."""
    placed: dict[str, float] = {}
    floor = float("-inf")
    drawn = tuple(lines)
    for line in sorted(drawn, key=lambda ln: ln.dots[-1][1]):
        floor = max(line.dots[-1][1] + 4, floor + END_LABEL_GAP)
        placed[line.key] = floor
    lift = max(0.0, floor - (LINE_HEIGHT - 4))
    return tuple(replace(line, end_y=round(placed[line.key] - lift, 1)) for line in drawn)


def bucket_label(start: datetime, step: Step) -> str:
    """ "2 Mar 14:00" for an hour, "2 Mar" for a day, "w/c 2 Mar" for a week (commencing)."""
    day = f"{start.day} {start:%b}"
    if step is Step.HOUR:
        return f"{day} {start:%H:%M}"
    return f"w/c {day}" if step is Step.WEEK else day
