"""Export formats render typed text safely: no spreadsheet formulas, no Markdown links or HTML."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from bot.core import export, playbook
from bot.core.domain import ActionNote, Assignment, Idea, Participant, ProgrammeStats, Status
from bot.core.plan import build_plan
from tests.fakes.plan_exports import rendered

BOOK = playbook.load_default()
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _plan(*texts: str):
    ideas = [
        Idea(
            number=n,
            text=text,
            theme_key="inclusive-growth",
            author=Participant("slack", f"U{n}", f"Person {n}"),
            platform="slack",
            channel_name="town",
            audience="community",
            created_at=WHEN,
            assignment=Assignment("authority", "funder", "scaling") if n == 1 else None,
            votes_by_audience={"community": n, "business": 1},
        )
        for n, text in enumerate(texts, 1)
    ]
    return build_plan(BOOK, ideas, ProgrammeStats(len(ideas), 0, 0))


async def test_csv_defuses_formulas_and_keeps_everything_else() -> None:
    plan = _plan('=HYPERLINK("http://evil.example")', "+1 for buses", "Plain, with a comma")
    rows = list(csv.DictReader(io.StringIO(await rendered("csv", BOOK, plan, WHEN))))
    texts = {r["id"]: r["text"] for r in rows}
    assert texts == {
        "1": '\'=HYPERLINK("http://evil.example")',
        "2": "'+1 for buses",
        "3": "Plain, with a comma",
    }
    by_id = {r["id"]: r for r in rows}
    assert json.loads(by_id["1"]["votes_by_audience"]) == {
        "community": 1,
        "business": 1,
        "authority": 0,
        "stakeholders": 0,
    }
    assert by_id["3"]["votes_community"] == "3"


async def test_markdown_shows_markup_as_text() -> None:
    plan = _plan("[click](http://evil.example) <script>alert(1)</script> **bold** | pipe")
    markdown = await rendered("md", BOOK, plan, WHEN)
    assert "\\[click\\]\\(http://evil.example\\)" in markdown
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    assert "\\*\\*bold\\*\\* \\| pipe" in markdown
    assert "as Funder · Scaling: Grants and subsidies" in markdown


async def test_json_keeps_text_exactly_and_ranks_by_votes() -> None:
    plan = _plan("first <!channel>", "second 🚲", "third")
    data = json.loads(await rendered("json", BOOK, plan, WHEN))
    ideas = data["themes"][0]["ideas"]
    assert [i["id"] for i in ideas] == [3, 2, 1]
    assert ideas[2]["text"] == "first <!channel>"
    assert ideas[1]["text"] == "second 🚲"
    assert data["programme"]["exported_at"] == "2026-03-02T09:30:00Z"
    assert data["format"] == 1


async def test_anonymous_playbooks_hide_authors() -> None:
    from dataclasses import replace

    anonymous = replace(BOOK, anonymous=True)
    data = json.loads(await rendered("json", anonymous, _plan("an idea"), WHEN))
    assert data["themes"][0]["ideas"][0]["author"] == "a participant"


def _filed_plan():
    """#1 answers challenge 2 of inclusive growth, for the authority; #2 infra, for individuals;
    #3 infra, for the authority with more votes; #4 unassigned."""

    def idea(n: int, theme: str, actor: str | None, challenge: int | None, votes: int) -> Idea:
        return Idea(
            number=n,
            text=f"idea {n}",
            theme_key=theme,
            author=Participant("slack", f"U{n}", f"Person {n}"),
            platform="slack",
            channel_name="town",
            audience="community",
            created_at=WHEN,
            challenge=challenge,
            assignment=Assignment(actor) if actor else None,
            votes_by_audience={"community": votes},
        )

    infra = "investing-in-infrastructure"
    ideas = [
        idea(1, "inclusive-growth", "authority", 1, 1),
        idea(2, infra, "individuals", None, 0),
        idea(3, infra, "authority", 0, 4),
        idea(4, infra, None, 0, 9),
    ]
    return build_plan(BOOK, ideas, ProgrammeStats(len(ideas), 14, 3))


async def test_every_format_names_the_challenge_each_idea_answers() -> None:
    plan = _filed_plan()
    data = json.loads(await rendered("json", BOOK, plan, WHEN))
    records = {i["id"]: i for t in data["themes"] for i in t["ideas"]}
    assert (records[1]["challenge"], records[1]["challenge_text"]) == (
        2,
        "Empower communities to deliver change?",
    )
    assert (records[2]["challenge"], records[2]["challenge_text"]) == (None, None)
    rows = {
        r["id"]: r for r in csv.DictReader(io.StringIO(await rendered("csv", BOOK, plan, WHEN)))
    }
    assert (rows["1"]["challenge"], rows["1"]["challenge_text"]) == (
        "2",
        "Empower communities to deliver change?",
    )
    assert rows["2"]["challenge"] == ""
    markdown = await rendered("md", BOOK, plan, WHEN)
    assert "- **#1** idea 1 (1 vote — community 1; consensus —; by Person 1; challenge 2)" in (
        markdown
    )
    assert "  - Challenge: 2. Empower communities to deliver change?" in markdown
    assert "  - Challenge: none in particular" in markdown


async def test_every_format_has_the_plan_by_actor() -> None:
    plan = _filed_plan()
    data = json.loads(await rendered("json", BOOK, plan, WHEN))
    assert data["by_actor"] == [
        {
            "key": "individuals",
            "name": "Individuals and groups",
            "question": "What can individuals and groups do?",
            "ideas": [2],
        },
        {
            "key": "organisations",
            "name": "Organisations and businesses",
            "question": "What can organisations and businesses do?",
            "ideas": [],
        },
        {
            "key": "authority",
            "name": "Combined authority",
            "question": "What can the combined authority do?",
            "ideas": [3, 1],
        },
    ]
    markdown = await rendered("md", BOOK, plan, WHEN)
    authority = markdown.split("### What can the combined authority do?", 1)[1]
    assert authority.index("**#3** idea 3") < authority.index("**#1** idea 1")
    assert "by Person 3; Investing in infrastructure, challenge 1)" in authority
    # CSV: one row per idea, its actor in its own column, to sort or filter by.
    rows = list(csv.DictReader(io.StringIO(await rendered("csv", BOOK, plan, WHEN))))
    assert sorted(r["id"] for r in rows if r["actor"] == "authority") == ["1", "3"]


async def test_every_format_has_the_emerging_themes_and_proposals() -> None:
    from dataclasses import replace

    from bot.core.domain import Emerging, Proposal
    from bot.core.emerging import of_playbook

    plan = _filed_plan()
    ideas = {i.number: i for i in plan.ideas}
    tagged = replace(
        ideas[3],
        emerging=("be-bold",),
        proposals=(Proposal(Assignment("authority", "funder"), 2),),
    )
    bold = Emerging("be-bold", "Be bold", "take good risks", added=True)
    plan = build_plan(
        BOOK,
        [tagged, *(i for n, i in ideas.items() if n != 3)],
        plan.stats,
        emerging=(*of_playbook(BOOK), bold),
    )
    data = json.loads(await rendered("json", BOOK, plan, WHEN))
    themes = {e["key"]: e for e in data["emerging_themes"]}
    assert list(themes)[:2] == ["branding-matters", "have-a-learner-in-every-office"]
    assert themes["be-bold"] == {
        "key": "be-bold",
        "title": "Be bold",
        "text": "take good risks",
        "added": True,
        "ideas": [3],
    }
    assert themes["branding-matters"]["added"] is False
    records = {i["id"]: i for t in data["themes"] for i in t["ideas"]}
    assert records[3]["emerging"] == ["be-bold"]
    assert records[3]["proposals"] == [
        {"actor": "authority", "style": "funder", "stage": None, "count": 2}
    ]
    assert records[1]["proposals"] == [] and records[1]["emerging"] == []
    rows = {
        r["id"]: r for r in csv.DictReader(io.StringIO(await rendered("csv", BOOK, plan, WHEN)))
    }
    assert json.loads(rows["3"]["emerging"]) == ["be-bold"]
    assert json.loads(rows["3"]["proposals"])[0]["count"] == 2
    markdown = await rendered("md", BOOK, plan, WHEN)
    bold_section = markdown.split("### Be bold", 1)[1].split("###", 1)[0]
    assert "take good risks" in bold_section and "**#3** idea 3" in bold_section
    assert "_No ideas tagged yet._" in markdown.split("### Branding matters", 1)[1]


async def test_markdown_carries_each_action_and_marks_closed_ones() -> None:
    def idea(n: int, status: Status, owner: str | None, note: str | None, **votes: int) -> Idea:
        return Idea(
            number=n,
            text=f"idea {n}",
            theme_key="inclusive-growth",
            author=Participant("slack", f"U{n}", f"Person {n}"),
            platform="slack",
            channel_name="town",
            audience="community",
            created_at=WHEN,
            challenge=0,
            assignment=Assignment("authority", "funder", "scaling"),
            votes_by_audience=votes,
            status=status,
            owner=owner,
            latest_note=ActionNote(note, "slack:U9", WHEN) if note else None,
        )

    ideas = [
        idea(1, Status.IN_PROGRESS, "Bath Spa University", "pilot funded", community=3, business=2),
        idea(2, Status.DROPPED, None, "no budget", community=1),
        idea(3, Status.DONE, "WECA", None, business=1),
    ]
    plan = build_plan(
        BOOK,
        ideas,
        ProgrammeStats(3, 7, 5),
        voters={"inclusive-growth": {"community": 3, "business": 2}},
    )
    markdown = await rendered("md", BOOK, plan, WHEN)
    grid = markdown.split("### Combined authority", 1)[1]
    one = grid.split("- **#1**", 1)[1].split("\n- ", 1)[0]
    assert "consensus 75%" in one  # min((3+1)/(3+2), (2+1)/(2+2))
    assert "  - Actor: Combined authority · as Funder · Scaling: Grants and subsidies" in one
    assert "  - Action: in-progress · owner Bath Spa University · 2 Mar 2026: pilot funded" in one
    question = BOOK.themes_for(["inclusive-growth"])[0].challenges[0]
    assert f"  - Challenge: 1. {export._md(question)}" in one
    assert "- **#2** **[DROPPED]** ~~idea 2~~ (1 vote" in markdown
    assert "  - Action: dropped · 2 Mar 2026: no budget" in markdown
    assert "- **#3** **[DONE]** idea 3" in markdown
    assert "  - Action: done · owner WECA" in markdown
    backed = markdown.split("### Backed across audiences", 1)[1].split("###", 1)[0]
    assert "_Consensus: at least 33% of every audience that voted in the theme backs it._" in backed
    assert "- **#1** idea 1 (consensus 75%)" in backed and "#2" not in backed


async def test_streamed_json_is_the_document_dumped_whole() -> None:
    """Filled slot by slot, the JSON is still exactly `json.dumps(…, indent=2)` of its data,
    empty lists (`[]`) and text that looks like a slot included."""
    plan = _filed_plan()
    ideas = {i.number: i for i in plan.ideas}
    from dataclasses import replace

    tricky = replace(ideas[4], text='"\ue000slot-0"\n[\n  ]')
    plan = build_plan(BOOK, [tricky, *(i for n, i in ideas.items() if n != 4)], plan.stats)
    text = await rendered("json", BOOK, plan, WHEN)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    data = json.loads(text)
    assert data["by_actor"][1]["ideas"] == []
    assert [i["text"] for t in data["themes"] for i in t["ideas"] if i["id"] == 4] == [tricky.text]
