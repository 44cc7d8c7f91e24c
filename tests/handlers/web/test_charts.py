"""The pure parts of the web view: chart geometry, running totals and the plan's shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from bot.core import playbook
from bot.core.domain import Assignment, Idea, Participant, ProgrammeStats, Status
from bot.core.participation import HourCount, Step, running_totals
from bot.core.plan import ActionPlan, build_plan, rank
from bot.core.plan_views import TOP, CellKey, Grid, PlanSummary, Top, Tops, summarise
from handlers.web import charts, views
from tests.fakes.plan_views import cells_of, styles_grid

BOOK = playbook.load_default()
MAR = [datetime(2026, 3, d, tzinfo=UTC) for d in range(1, 8)]


def idea(number: int, votes: int = 0, **extra: object) -> Idea:
    return Idea(
        number=number,
        text=f"Idea {number}",
        theme_key=str(extra.pop("theme", "inclusive-growth")),
        author=Participant("slack", f"U{number}", f"Person {number}"),
        platform="slack",
        channel_name="town",
        audience="community",
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
        votes_by_audience={"community": votes} if votes else {},
        **extra,  # type: ignore[arg-type]
    )


def test_running_totals_fill_quiet_days_and_keep_every_audience() -> None:
    counts = [
        HourCount(MAR[0], "community", 2, 3),
        HourCount(MAR[0], "business", 1, 0),
        HourCount(MAR[3], "community", 0, 4),
        HourCount(MAR[3], "retired-audience", 1, 0),
    ]
    series = running_totals(counts, ["community", "business", "authority"])
    assert series.buckets == tuple(MAR[:4]) and series.step is Step.DAY
    assert series.totals == {
        "community": (5, 5, 5, 9),
        "business": (1, 1, 1, 1),
        "authority": (0, 0, 0, 0),
        "retired-audience": (0, 0, 0, 1),
    }
    assert running_totals([], ["community"]).buckets == ()


def test_bar_chart_scales_to_the_largest_value_and_words_the_figures() -> None:
    chart = charts.bar_chart(
        [("Inclusive growth", 10), ("A theme with a very long title indeed", 5), ("Empty", 0)]
    )
    longest, half, zero = chart.bars
    assert longest.length == charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_ROOM
    assert half.length == longest.length / 2
    assert zero.length == 0 and zero.value_x == charts.LABEL_WIDTH + 6
    assert half.label == "A theme with a very long titl…" and len(half.label) == charts.LABEL_CHARS
    assert [b.y for b in chart.bars] == [5.0, 37.0, 69.0]
    assert chart.height == 3 * charts.ROW
    assert chart.summary == "Inclusive growth 10, A theme with a very long title indeed 5, Empty 0"
    assert all(b.length == 0 for b in charts.bar_chart([("a", 0), ("b", 0)]).bars)


def test_line_chart_spreads_days_evenly_and_scales_to_the_highest_total() -> None:
    series = running_totals(
        [HourCount(MAR[0], "community", 1, 1), HourCount(MAR[2], "business", 4, 0)],
        ["community", "business", "authority"],
    )
    chart = charts.line_chart(series, {"community": "Community", "business": "Business"})
    left, top, right, bottom = charts.PLOT
    community, business = chart.lines  # nobody from the authority took part: no line
    assert [x for x, _ in community.dots] == [left, (left + right) / 2, right]
    assert [y for _, y in community.dots] == [bottom - (bottom - top) / 2] * 3
    assert business.dots[-1] == (right, top) and business.last == 4
    assert (community.label, business.label) == ("Community", "Business")
    assert community.colour != business.colour and community.dash != business.dash
    assert community.shape != business.shape and community.marks.count("M") == 3
    assert (community.end_label, business.end_label) == ("Community 2", "Business 4")
    assert business.end_x == right + 2 * charts.MARK
    assert community.points.startswith(f"{float(left)},")
    assert [t.label for t in chart.x_ticks] == ["1 Mar", "2 Mar", "3 Mar"]
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4"]


def test_a_day_s_workshop_is_drawn_hour_by_hour_and_three_months_week_by_week() -> None:
    day = MAR[1].replace(hour=9)
    workshop = [HourCount(day + timedelta(hours=h), "community", 2, h) for h in range(0, 8)]
    series = running_totals(workshop, ["community"])
    assert series.step is Step.HOUR and len(series.buckets) == 8
    assert series.totals["community"][-1] == sum(2 + h for h in range(8))
    chart = charts.line_chart(series, {})
    assert [t.label for t in chart.x_ticks] == ["2 Mar 09:00", "2 Mar 13:00", "2 Mar 16:00"]
    assert chart.per == "hour (UTC)" and chart.lines[0].marks.count("M") == 8
    months = [HourCount(MAR[1] + timedelta(days=d), "community", 1, 0) for d in range(0, 92, 3)]
    series = running_totals(months, ["community"])
    assert series.step is Step.WEEK and len(series.buckets) == 13  # Mondays, 2 Mar to 25 May
    assert all(b.weekday() == 0 for b in series.buckets) and series.totals["community"][-1] == 31
    chart = charts.line_chart(series, {})
    assert [t.label for t in chart.x_ticks] == ["w/c 2 Mar", "w/c 13 Apr", "w/c 25 May"]
    assert chart.per == "week (UTC, from Monday)"
    busy = running_totals(
        [HourCount(day + timedelta(hours=h), "community", 1, 0) for h in range(48)], ["community"]
    )
    assert busy.step is Step.HOUR and len(busy.buckets) == 48
    assert charts.line_chart(busy, {}).lines[0].marks.count("M") == 1  # too many to mark each


def test_a_single_hour_sits_in_the_middle() -> None:
    series = running_totals([HourCount(MAR[0], "community", 1, 0)], ["community"])
    chart = charts.line_chart(series, {})
    [line] = chart.lines
    left, _, right, _ = charts.PLOT
    assert line.dots == (((left + right) / 2, charts.PLOT[1]),)
    assert [t.label for t in chart.x_ticks] == ["1 Mar 00:00"]


def test_the_styles_grid_places_the_combined_authoritys_ideas_by_style_and_stage() -> None:
    ideas = [
        idea(1, 3, assignment=Assignment("authority", "funder", "scaling")),
        idea(
            2,
            5,
            assignment=Assignment("authority", "funder", "scaling"),
            theme="fostering-innovation",
        ),
        idea(3, 1, assignment=Assignment("authority", "collaborator")),
        idea(4, 9, assignment=Assignment("individuals")),
    ]
    plan = build_plan(BOOK, ideas, ProgrammeStats(4, 18, 4))
    grid = styles_grid(BOOK, plan)
    assert grid.actor is not None and grid.actor.key == "authority"
    squares = {(style.key, sq.stage.key): sq for style, row in grid.rows for sq in row}
    scaling = squares[("funder", "scaling")]
    assert [i.number for i in scaling.ideas] == [2, 1]  # most votes first, across themes
    assert scaling.cell is not None and scaling.cell.name == "Grants and subsidies"
    assert sum(len(sq.ideas) for sq in squares.values()) == 2
    assert [i.number for i in grid.unplaced] == [3]
    assert len(grid.rows) == len(BOOK.styles) and grid.stages == BOOK.stages


def _summary_of(plan: ActionPlan) -> PlanSummary:
    """The plan at a glance as the database counts it (`tests.fakes.plan_views`)."""
    cells: dict[CellKey, list[Idea]] = {}
    for idea in plan.ideas:
        for key in cells_of(idea, Grid.of(BOOK)):
            cells.setdefault(key, []).append(idea)
    tops = Tops({key: Top(rank(found)[:TOP], len(found)) for key, found in cells.items()})
    themes = frozenset(i.theme_key for i in plan.ideas)
    return summarise(BOOK, tops, themes, plan.stats, {}, (), 1)


def test_figures_for_the_overview_charts() -> None:
    ideas = [
        idea(1, 3, assignment=Assignment("authority")),
        idea(2, 1, assignment=Assignment("organisations")),
        idea(3, 2),
        idea(4, 1, theme="fostering-innovation"),
    ]
    plan = build_plan(BOOK, ideas, ProgrammeStats(4, 7, 4))
    summary = _summary_of(plan)
    votes = {
        ("inclusive-growth", "community"): 4,
        ("inclusive-growth", "business"): 2,
        ("fostering-innovation", "community"): 1,
    }
    found = views.summaries(summary, votes)
    assert views.votes_per_theme(found) == [
        ("Inclusive growth", 6),
        ("Environment for growth", 0),
        ("Fostering innovation", 1),
        ("Investing in infrastructure", 0),
    ]
    assert views.ideas_per_actor(summary) == [
        ("Individuals and groups", 0),
        ("Organisations and businesses", 1),
        ("Combined authority", 1),
        ("Not yet assigned", 2),
    ]
    [first, *_] = found
    assert first.votes == 6 and first.top is not None and first.top.number == 1
    assert first.row.count == 3
    assert views.theme_votes_by_audience(BOOK, {"community": 4, "business": 2}) == [
        ("Community", 4),
        ("Business", 2),
        ("Combined authority", 0),
        ("Stakeholders", 0),
    ]


def test_lines_that_end_level_get_labels_apart_and_every_audience_a_marker_of_its_own() -> None:
    counts = [HourCount(MAR[0], key, 2, 1) for key in ("community", "business", "authority")]
    series = running_totals(counts, ["community", "business", "authority"])
    chart = charts.line_chart(series, {"community": "A very long audience name indeed"})
    ends = sorted(line.end_y for line in chart.lines)
    assert all(b - a >= charts.END_LABEL_GAP for a, b in pairwise(ends))
    assert len({line.shape for line in chart.lines}) == 3
    assert chart.lines[0].end_label == "A very long audie… 3"
    assert chart.unit == "Ideas and votes so far"
    low = running_totals(
        [HourCount(MAR[0], "community", 40, 0)]
        + [HourCount(MAR[0], key, 1, 0) for key in ("business", "authority", "stakeholders")],
        ["community", "business", "authority", "stakeholders"],
    )
    ends = sorted(line.end_y for line in charts.line_chart(low, {}).lines)
    assert ends[-1] <= charts.LINE_HEIGHT - 4  # three lines level near the bottom: still on it
    assert all(b - a >= charts.END_LABEL_GAP for a, b in pairwise(ends))


def test_closed_actions_come_after_live_work_in_vote_order() -> None:
    ideas = [
        idea(1, 9, status=Status.DROPPED),
        idea(2, 5, status=Status.DONE),
        idea(3, 4, status=Status.AGREED),
        idea(4, 1),
        idea(5, 0, status=Status.DROPPED),
    ]
    assert [i.number for i in views.live_first(ideas)] == [3, 4, 2, 1, 5]
    words = views.Words(BOOK)
    assert [words.closed(i) for i in ideas] == ["Dropped", "Done", "", "", "Dropped"]
