"""Scheduled digests through the engine and the clock's tick, on in-memory storage: on time,
once, across daylight-saving changes, restarts, two clock processes and failing channels."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.domain import ConversationRef, Participant, SubscriptionState
from bot.core.interaction import Command, Context, Delivery, Rejected, Say
from bot.core.ports import Sent
from bot.core.usecases import digests
from bot.services import open_services
from tests.bot.platforms import Platforms
from tests.bot.test_workshop import said

ORGANISER = Participant("slack", "UORG", "Olive")


def slack(channel: str) -> ConversationRef:
    return ConversationRef("slack", "T1", channel, channel)


def teams(channel: str) -> ConversationRef:
    return ConversationRef("teams", "tenant", channel, channel)


async def say(services, who: Participant, where: ConversationRef, text: str) -> list:
    return await services.engine.handle(Context(who, where), Command(text))


async def tick(services) -> int:
    return await digests.send_due(services.engine.workshop)


def platforms_for(services, clock) -> Platforms:
    recorder = Platforms(clock)
    services.engine.workshop.notifier = recorder
    return recorder


# ---- the command -----------------------------------------------------------------------------


async def test_an_organiser_schedules_a_digest_and_anyone_can_see_when_it_comes(
    services, clock
) -> None:
    clock.moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 in London
    set_up = await say(services, ORGANISER, slack("stakeholders"), "digest weekly mon 09:00")
    assert set_up[0].delivery is Delivery.CHANNEL
    assert "a digest of the plan every Monday at 09:00 (Europe/London)" in said(set_up)
    assert "The first comes Mon 9 Mar 09:00" in said(set_up)
    anyone = Participant("slack", "U1", "Ann")
    shown = said(await say(services, anyone, slack("stakeholders"), "digest"))
    assert "every Monday at 09:00 (Europe/London). The next comes Mon 9 Mar 09:00" in shown
    assert "gets no digest" in said(await say(services, anyone, slack("general"), "digest"))


async def test_only_organisers_change_digests_and_bad_schedules_change_nothing(services) -> None:
    ann = Participant("slack", "U1", "Ann")
    (refusal,) = await say(services, ann, slack("general"), "digest daily 17:30")
    assert isinstance(refusal, Rejected) and "Only organisers can schedule digests" in (
        refusal.reason
    )
    (bad,) = await say(services, ORGANISER, slack("general"), "digest weekly funday 9am")
    assert isinstance(bad, Rejected)
    assert "'funday' is not a day" in bad.reason and "Nothing was changed" in bad.reason
    (unknown,) = await say(services, ORGANISER, slack("general"), "digest sometimes")
    assert isinstance(unknown, Rejected) and "digest weekly mon 09:00" in unknown.reason
    assert await services.repo.subscription("default", slack("general")) is None


async def test_digest_off_stops_a_channel_s_digests(services, clock) -> None:
    recorder = platforms_for(services, clock)
    await say(services, ORGANISER, slack("news"), "digest daily 17:30 UTC")
    assert "Digests here are off" in said(
        await say(services, ORGANISER, slack("news"), "digest off")
    )
    assert "had no digest schedule" in said(
        await say(services, ORGANISER, slack("news"), "digest off")
    )
    clock.advance(days=2)
    assert await tick(services) == 0 and recorder.sent == []


async def test_digest_now_posts_here_and_the_schedule_carries_on_from_then(services, clock) -> None:
    recorder = platforms_for(services, clock)
    await say(services, ORGANISER, slack("news"), "digest daily 17:30 UTC")
    await say(services, ORGANISER, slack("news"), "prompt inclusive")
    await say(services, Participant("slack", "U1", "Ann"), slack("news"), "idea Hubs in every ward")
    clock.advance(hours=2)
    (now,) = await say(services, ORGANISER, slack("news"), "digest now")
    assert isinstance(now, Say) and now.delivery is Delivery.CHANNEL
    assert "#1 Hubs in every ward" in now.card.as_text()
    clock.advance(hours=7)  # past 17:30: the scheduled digest covers only the time since
    assert await tick(services) == 1
    (scheduled,) = recorder.to("news")
    assert (
        "From Mon 2 Mar 11:00 to Mon 2 Mar 17:30 (UTC)\nNo new ideas, votes or decisions."
        in scheduled.as_text()
    )


async def test_a_digest_counts_the_ideas_tagged_to_each_emerging_theme(services, clock) -> None:
    await say(services, ORGANISER, slack("news"), "prompt inclusive")
    ann = Participant("slack", "U1", "Ann")
    await say(services, ann, slack("news"), "idea Hubs in every ward")
    await say(services, ann, slack("news"), "idea Night buses to the science park")
    await say(services, ORGANISER, slack("news"), "emerging add Be bold: take good risks")
    for line in ("tag 1 bring people", "tag 2 bring people", "tag 2 be-bold"):
        await say(services, ORGANISER, slack("news"), line)
    await say(services, ORGANISER, slack("news"), "hide 2")
    clock.advance(hours=1)
    (now,) = await say(services, ORGANISER, slack("news"), "digest now")
    text = now.card.as_text()
    assert "Emerging themes (ideas tagged): Bring people together 1" in text
    assert "Be bold" not in text  # its one idea is hidden: off the plan
    assert "Branding matters" not in text  # nothing tagged yet


# ---- on time, once ---------------------------------------------------------------------------


async def test_a_weekly_digest_comes_once_a_week_at_its_local_time_across_the_clock_change(
    services, clock
) -> None:
    recorder = platforms_for(services, clock)
    clock.moment = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    await say(services, ORGANISER, slack("stakeholders"), "digest weekly mon 09:00 Europe/London")
    for _ in range(4 * 7 * 24):  # four weeks of hourly ticks
        clock.advance(hours=1)
        await tick(services)
    assert [sent_at for _, _, sent_at in recorder.sent] == [
        datetime(2026, 3, 23, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 8, 0, tzinfo=UTC),  # 09:00 BST: the clocks went forward on the 29th
        datetime(2026, 4, 6, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 13, 8, 0, tzinfo=UTC),
    ]


async def test_a_daily_digest_is_neither_skipped_nor_doubled_when_the_clocks_go_back(
    services, clock
) -> None:
    recorder = platforms_for(services, clock)
    clock.moment = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    await say(services, ORGANISER, slack("daily"), "digest daily 01:30 Europe/London")
    for _ in range(4 * 24 * 4):  # four days of quarter-hour ticks
        clock.advance(minutes=15)
        await tick(services)
    assert [sent_at for _, _, sent_at in recorder.sent] == [
        datetime(2026, 10, 24, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the first 01:30 (BST); not again at GMT
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 27, 1, 30, tzinfo=UTC),
    ]


async def test_digests_missed_while_the_bot_was_down_are_sent_once_on_start(
    services, clock
) -> None:
    recorder = platforms_for(services, clock)
    await say(services, ORGANISER, slack("news"), "digest daily 17:30 UTC")
    clock.advance(days=5)  # down for five days: five sends missed
    assert await tick(services) == 1
    assert await tick(services) == 0  # a retried tick sends nothing again
    (caught_up,) = recorder.to("news")
    assert "From Sun 1 Mar 17:30 to Fri 6 Mar 17:30" in caught_up.as_text()  # whole days
    clock.advance(hours=9)  # 18:00: today's 17:30 send is due
    assert await tick(services) == 1


async def test_two_clock_processes_on_one_database_post_each_digest_once(
    database_services, settings, clock
) -> None:
    """The claim is the database's: this one runs on SQLite and PostgreSQL."""
    one = database_services
    channels = [f"C{i}" for i in range(6)]
    for channel in channels:
        await say(one, ORGANISER, slack(channel), "digest daily 17:30 UTC")
    first = platforms_for(one, clock)
    async with open_services(settings, clock=clock) as other:
        second = platforms_for(other, clock)
        clock.advance(days=1)
        for _ in range(3):
            await asyncio.gather(tick(one), tick(other), tick(one), tick(other))
    posted = [where.channel_id for where, _, _ in first.sent + second.sent]
    assert sorted(posted) == channels


# ---- failing channels ------------------------------------------------------------------------


async def test_a_channel_that_fails_does_not_keep_the_others_from_their_digest(
    services, clock
) -> None:
    recorder = platforms_for(services, clock)
    await say(services, ORGANISER, slack("organisers"), "organisers here")
    for where in (slack("ok"), slack("archived"), teams("flaky")):
        await say(services, ORGANISER, where, "digest daily 17:30 UTC")
    recorder.answers = {"archived": [Sent.GONE], "flaky": [Sent.FAILED, Sent.FAILED]}
    clock.advance(days=1)
    assert await tick(services) == 1
    assert len(recorder.to("ok")) == 1
    (notice,) = recorder.to("organisers")
    assert "Digests for archived (slack) stopped" in notice.as_text()
    assert "`digest daily 17:30 UTC` in that channel" in notice.as_text()
    stopped = await services.repo.subscription("default", slack("archived"))
    assert stopped is not None and stopped.state is SubscriptionState.STOPPED
    assert "Digests here stopped: I can no longer post there" in said(
        await say(services, ORGANISER, slack("archived"), "digest")
    )
    clock.advance(minutes=1)
    assert await tick(services) == 0  # flaky fails a second time; archived is not tried
    clock.advance(minutes=1)
    assert await tick(services) == 1  # flaky, third attempt
    assert len(recorder.to("flaky")) == 1 and recorder.to("archived") == []
    await say(services, ORGANISER, slack("archived"), "digest daily 17:30 UTC")
    restarted = await services.repo.subscription("default", slack("archived"))
    assert restarted is not None and restarted.state is SubscriptionState.ACTIVE


async def test_a_digest_that_keeps_failing_is_given_up_after_three_attempts(
    services, clock
) -> None:
    recorder = platforms_for(services, clock)
    await say(services, ORGANISER, slack("down"), "digest daily 17:30 UTC")
    recorder.answers = {"down": [Sent.FAILED] * 5}
    clock.advance(days=1)
    for _ in range(5):
        await tick(services)
        clock.advance(minutes=1)
    assert recorder.answers["down"] == [Sent.FAILED, Sent.FAILED]  # three tried, then no more
    assert recorder.sent == []


# ---- what a digest says ----------------------------------------------------------------------


async def test_a_digest_reports_the_week_across_platforms_and_audiences(services, clock) -> None:
    await say(services, ORGANISER, slack("community"), "channel community")
    await say(services, Participant("teams", "29:org", "Tom"), teams("biz"), "channel business")
    await say(services, ORGANISER, slack("stakeholders"), "digest weekly mon 09:00")
    clock.advance(days=1)
    await say(services, ORGANISER, slack("community"), "prompt inclusive")
    await say(services, Participant("teams", "29:org", "Tom"), teams("biz"), "prompt inclusive")
    ann, bob = Participant("slack", "U1", "Ann"), Participant("slack", "U2", "Bob")
    cat = Participant("teams", "29:cat", "Cat")
    await say(services, ann, slack("community"), "idea Community hubs in every ward")
    await say(services, bob, slack("community"), "idea Apprenticeships with local firms")
    await say(services, cat, teams("biz"), "idea A supplier portal for small businesses")
    await say(services, cat, teams("biz"), "idea Community hubs in each ward please")
    for voter, where in ((ann, slack("community")), (bob, slack("community")), (cat, teams("biz"))):
        await say(services, voter, where, "vote 1")
    await say(services, cat, teams("biz"), "vote 3")
    await say(services, ORGANISER, slack("community"), "assign 1 authority funder scaling")
    await say(services, ORGANISER, slack("community"), "merge 4 into 1")
    recorder = platforms_for(services, clock)
    clock.advance(days=6)  # Monday 9 March, 09:00
    assert await tick(services) == 1
    (digest,) = recorder.to("stakeholders")
    text = digest.as_text()
    assert digest.title == "Digest — Local Industrial Strategy Lab"
    assert "From Mon 2 Mar 09:00 to Mon 9 Mar 09:00 (Europe/London)" in text
    # Every idea contributed counts for participation, #4 too (merged since); the theme names
    # the three still on the plan.
    assert text.splitlines()[2] == (
        "4 new ideas, 4 votes, 3 participants. Above all: #1 Community hubs in every ward — "
        "new action for Combined authority (Funder · Scaling)."
    )
    assert "Who took part: community 2, business 1 · ideas and votes via Slack 4, Teams 4" in text
    decided = text[text.index("Decided this period") : text.index("Backed across audiences")]
    assert decided.splitlines()[1:] == [
        "  • #1 Community hubs in every ward — new action for Combined authority "
        "(Funder · Scaling)",
        "  • Merged: #4 into #1",
        "",
    ]
    assert "#1 Community hubs in every ward — consensus 67% (community 2, business 1)" in text
    assert "Inclusive growth: 3 new ideas, challenge 1 asked" in text
    assert "  • #1 Community hubs in every ward (3 votes)" in text
    assert "The action plan now" not in text  # the plan is the web view's and the brief's
    clock.advance(days=7)
    assert await tick(services) == 1
    quiet = recorder.to("stakeholders")[-1].as_text()
    assert quiet.splitlines()[1:] == [
        "From Mon 9 Mar 09:00 to Mon 16 Mar 09:00 (Europe/London)",
        "No new ideas, votes or decisions. The plan stands at 3 ideas, 1 action.",
    ]
