"""The participation loop on in-memory storage with a fake clock: phase changes set for later and
the reminder before them, "you said, we did", muting and quiet hours."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest

from bot.config import ConfigError, Settings
from bot.core import grammar as g
from bot.core import nudge_grammar
from bot.core.action_sheet import SheetRow
from bot.core.domain import ConversationRef, Participant, Phase, PostedMessage, Status
from bot.core.interaction import Card
from bot.core.nudges import NewNudge, NudgeKind, quiet_hours
from bot.core.ports import Sent
from bot.core.usecases import phases, reminders
from bot.core.usecases.action_import import ImportReport, announced, import_actions
from tests.bot.test_workshop import Room, refused, said
from tests.conftest import FakeClock


class Recorder:
    """A Notifier that keeps what was sent, by channel; `answer` says how each send ends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Card]] = []
        self.updated: list[tuple[PostedMessage, Card]] = []
        self.answer = Sent.POSTED
        self.through: list[str] = []

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        if self.answer is Sent.POSTED:
            self.sent.append((where.channel_id, card))
        return self.answer

    async def update(self, message: PostedMessage, card: Card) -> bool:
        self.updated.append((message, card))
        return True

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        """Kept as sent to `@<user>` (reached through `where`, kept in `through`)."""
        if self.answer is Sent.POSTED:
            self.sent.append((f"@{user_id}", card))
            self.through.append(where.channel_id)
        return self.answer

    def to(self, channel: str) -> list[str]:
        return [card.as_text() for where, card in self.sent if where == channel]


@pytest.fixture
def room(services) -> Room:
    return Room(services)


@pytest.fixture
def heard(services) -> Recorder:
    recorder = Recorder()
    services.engine.workshop.notifier = recorder
    return recorder


async def tick(room: Room) -> int:
    return await reminders.send_due(room.engine.workshop)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("close infra at 17:00", nudge_grammar.SchedulePhase("infra", "close", ("17:00",))),
        (
            "VOTING inclusive growth AT fri 17:00",
            nudge_grammar.SchedulePhase("inclusive growth", "voting", ("fri", "17:00")),
        ),
        (
            "close infra at 2026-03-12 17:00",
            nudge_grammar.SchedulePhase("infra", "close", ("2026-03-12", "17:00")),
        ),
        ("mute", nudge_grammar.Mute(True)),
        ("unmute", nudge_grammar.Mute(False)),
    ],
)
def test_the_reminder_grammar(text: str, parsed: g.Parsed) -> None:
    assert g.parse(text) == parsed


def test_a_phase_change_without_a_time_is_still_made_at_once() -> None:
    assert g.parse("close infra") == g.ChangePhase("infra", "close")
    assert g.parse("open infra at 17:00") == g.ChangePhase("infra at 17:00", "open")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("close infra at 25:00", "'25:00' is not a 24-hour time"),
        ("close infra at 2026-02-30 17:00", "'2026-02-30' is not a date"),
        ("close infra at 2026-03-01 17:00", "That time has passed"),
        ("close infra at someday 17:00", "'someday' is not a day"),
        ("close infra at fri 17:00 please", "Say when"),
        ("close nowhere at 17:00", "nowhere"),
    ],
)
async def test_a_bad_time_or_theme_is_refused_and_nothing_is_scheduled(
    room: Room, text: str, reason: str
) -> None:
    assert reason in refused(await room.cmd("olive", text))
    assert await room.repo.due_phase_steps(datetime(2030, 1, 1, tzinfo=UTC)) == []


async def test_channels_are_reminded_once_an_hour_before_and_the_theme_closes_on_time(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra", channel="general")
    await room.cmd("olive", "prompt infra", channel="business")
    await room.cmd("olive", "prompt inclusive", channel="elsewhere")
    answer = said(await room.cmd("olive", "close infra at 17:00"))
    assert "Investing in infrastructure closes Mon 2 Mar 17:00" in answer
    assert "reminded Mon 2 Mar 16:00" in answer

    clock.advance(hours=6, minutes=59)  # 15:59
    assert await tick(room) == 0
    clock.advance(minutes=1)
    assert await tick(room) == 2
    [general] = heard.to("general")
    assert general == heard.to("business")[0]
    assert "Reminder: Investing in infrastructure" in general
    assert (
        "closes for votes at 17:00" in general and "`ideas investing-in-infrastructure`" in general
    )
    assert heard.to("elsewhere") == []
    clock.advance(minutes=30)
    assert await tick(room) == 0  # once per channel per phase change

    clock.advance(minutes=30)  # 17:00
    await tick(room)
    workshop = room.engine.workshop
    infra = workshop.theme("infra").key
    assert await phases.phase_of(workshop, "default", infra) is Phase.CLOSED
    assert {m.channel_id for m, _ in heard.updated} == {"general", "business"}
    assert all("closed: the plan is final" in card.as_text() for _, card in heard.updated)
    assert len(heard.sent) == 2
    assert await tick(room) == 0 and heard.sent[2:] == []


async def test_setting_the_time_again_replaces_the_schedule(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra")
    await room.cmd("olive", "voting infra at 17:00")
    await room.cmd("olive", "voting infra at 19:00")
    clock.advance(hours=7)  # 16:00: the first time's reminder is gone with it
    assert await tick(room) == 0
    clock.advance(hours=2)
    assert await tick(room) == 1
    assert "stops taking new ideas at 19:00" in heard.to("general")[0]


async def test_a_muted_channel_gets_no_reminder_and_unmuting_brings_them_back(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra", channel="general")
    await room.cmd("olive", "prompt infra", channel="quiet")
    assert "won't post reminders" in said(await room.cmd("olive", "mute", channel="quiet"))
    assert "already muted" in said(await room.cmd("olive", "mute", channel="quiet"))
    assert "Only organisers can mute a channel" in refused(await room.cmd("ann", "mute"))
    await room.cmd("olive", "close infra at 12:00")
    clock.advance(hours=2)
    assert await tick(room) == 1
    assert heard.to("quiet") == [] and len(heard.to("general")) == 1

    assert "back on" in said(await room.cmd("olive", "unmute", channel="quiet"))
    assert "wasn't muted" in said(await room.cmd("olive", "unmute", channel="quiet"))
    await room.cmd("olive", "voting inclusive at 15:00")
    await room.cmd("olive", "prompt inclusive", channel="quiet")
    clock.advance(hours=3)
    assert await tick(room) == 1
    assert "Inclusive growth" in heard.to("quiet")[0]


async def test_a_reminder_due_in_quiet_hours_comes_before_they_begin(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra")
    answer = said(await room.cmd("olive", "close infra at 22:00"))
    assert "reminded Mon 2 Mar 20:59" in answer  # quiet hours start at 21:00
    clock.advance(hours=11, minutes=58)
    assert await tick(room) == 0
    clock.advance(minutes=1)
    assert await tick(room) == 1


async def test_a_reminder_that_quiet_hours_would_delay_past_its_moment_is_dropped(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra")
    clock.advance(hours=13)  # 22:00: quiet
    assert "reminded now" in said(await room.cmd("olive", "close infra at 23:00"))
    assert await tick(room) == 0
    clock.advance(hours=12)
    assert await tick(room) == 0 and heard.sent == []


async def test_you_said_we_did_goes_to_the_channel_once_per_status_after_quiet_hours(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra", channel="town")
    await room.reply("ann", "A night bus to the hospital", channel="town")
    await room.cmd("olive", "assign 1 authority", channel="organisers")
    await room.cmd("olive", "action 1 proposed", channel="organisers")
    assert await tick(room) == 0  # proposed is not news
    clock.advance(hours=13)  # 22:00: quiet hours
    await room.cmd("olive", 'action 1 agreed owner "WECA transport"', channel="organisers")
    await room.cmd("olive", "action 1 agreed", channel="organisers")
    assert await tick(room) == 0
    clock.advance(hours=10)  # 08:00
    assert await tick(room) == 1
    [note] = heard.to("town")
    assert "You said, we did" in note
    assert "“A night bus to the hospital”" in note
    assert "#1 is now an agreed action (owner: WECA transport)" in note
    await room.cmd("olive", "action 1 done", channel="organisers")
    assert await tick(room) == 1
    assert "#1 is done" in heard.to("town")[1]
    assert heard.to("organisers") == []


async def test_a_failed_send_is_tried_again_at_later_ticks_then_given_up(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra", channel="town")
    await room.cmd("olive", "prompt inclusive", channel="hall")
    await room.cmd("olive", "close infra at 12:00")
    await room.cmd("olive", "close inclusive at 12:00")
    heard.answer = Sent.FAILED
    clock.advance(hours=2)
    assert await tick(room) == 0  # both fail: first attempts
    assert await tick(room) == 0  # not tried again before a minute has passed
    clock.advance(minutes=1)
    heard.answer = Sent.POSTED
    await room.cmd("olive", "mute", channel="hall")  # hall's reminder ends without a send
    assert await tick(room) == 1
    assert len(heard.to("town")) == 1

    await room.cmd("olive", "unmute", channel="hall")
    await room.cmd("olive", "voting inclusive at 14:00")
    heard.answer = Sent.FAILED
    clock.advance(hours=2)  # 13:01: the reminder is due
    for _ in range(3):
        assert await tick(room) == 0
        clock.advance(minutes=1)
    heard.answer = Sent.POSTED
    assert await tick(room) == 0  # three attempts, then given up
    assert heard.to("hall") == []


async def test_a_quiet_audience_is_offered_what_others_back_once_per_scheduled_time(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("olive", "prompt infra", channel="biz")
    await room.reply("bob", "A freight consolidation centre for the city", channel="biz")
    await room.cmd("olive", "prompt infra", channel="town")
    await room.reply("ann", "Safer cycle lanes to every school gate", channel="town")
    await room.cmd("bob", "vote 1", channel="biz")
    await room.cmd("ann", "vote 2", channel="town")
    await room.cmd("cat", "vote 2", channel="biz")
    assert "isn't offered" in said(await room.cmd("ann", "nudge", channel="town"))
    answer = said(await room.cmd("olive", "nudge daily 10:00", channel="town"))
    assert "Every day at 10:00 (Europe/London), this channel is offered" in answer
    assert "The first comes Mon 2 Mar 10:00" in answer
    assert "Only organisers can schedule nudges" in refused(
        await room.cmd("ann", "nudge daily 10:00", channel="town")
    )
    assert "'25:00' is not a 24-hour time" in refused(
        await room.cmd("olive", "nudge daily 25:00", channel="town")
    )
    assert "next offer comes Mon 2 Mar 10:00" in said(
        await room.cmd("ann", "nudge", channel="town")
    )

    clock.advance(minutes=59)
    assert await tick(room) == 0
    clock.advance(minutes=1)  # 10:00
    assert await tick(room) == 1
    [offer] = heard.to("town")
    assert offer.startswith("Other audiences are backing these")
    assert (
        "Business backs #1 “A freight consolidation centre for the city”; community hasn't "
        "weighed in." in offer
    )
    assert "#2" not in offer  # the community has voted on it
    clock.advance(minutes=30)
    assert await tick(room) == 0  # one offer per scheduled time

    await room.cmd("dan", "vote 1", channel="town")
    clock.advance(days=1)
    assert await tick(room) == 0  # nothing left to offer: no message
    assert len(heard.to("town")) == 1
    assert "`nudge` is off here" in said(await room.cmd("olive", "nudge off", channel="town"))
    assert "nothing changed" in said(await room.cmd("olive", "nudge off", channel="town"))


async def test_an_offer_skips_closed_themes_and_respects_mute(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "channel business", channel="biz")
    await room.cmd("olive", "prompt infra", channel="biz")
    await room.reply("bob", "A freight consolidation centre for the city", channel="biz")
    await room.cmd("olive", "prompt inclusive", channel="biz")
    await room.reply("bob", "Paid placements for care leavers", channel="biz")
    await room.cmd("bob", "vote 1", channel="biz")
    await room.cmd("bob", "vote 2", channel="biz")
    await room.cmd("olive", "close infra", channel="biz")
    await room.cmd("olive", "nudge weekly mon 12:00", channel="town")
    await room.cmd("olive", "nudge weekly mon 12:00", channel="hall")
    await room.cmd("olive", "mute", channel="hall")
    clock.advance(hours=3)
    assert await tick(room) == 1
    [offer] = heard.to("town")
    assert "#2 “Paid placements for care leavers”" in offer and "#1" not in offer
    assert heard.to("hall") == []


async def test_owners_are_asked_for_updates_and_their_answer_becomes_a_note(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra", channel="town")
    for text in ("A night bus to the hospital", "Bike hangars on every street", "A tram"):
        await room.reply("ann", text, channel="town")
    for number in (1, 2, 3):
        await room.cmd("olive", f"assign {number} authority", channel="organisers")
    await room.cmd("olive", 'action 1 in-progress owner "console:bob"', channel="organisers")
    await room.cmd("olive", 'action 2 agreed owner "console:bob"', channel="organisers")
    await room.cmd("olive", 'action 3 agreed owner "WECA transport"', channel="organisers")
    assert "No owner has been asked" in said(await room.cmd("olive", "follow-up"))
    answer = said(await room.cmd("olive", "follow-up weekly mon 10:00", channel="actions"))
    assert "Every Monday at 10:00 (Europe/London), the owners of open actions" in answer
    await room.cmd("olive", "follow-up weekly mon 11:00", channel="elsewhere")
    await room.cmd("olive", "follow-up weekly mon 10:00", channel="actions")  # one channel
    await tick(room)  # the you-said notes for the actions agreed
    heard.sent.clear()

    clock.advance(hours=1)  # 10:00
    assert await tick(room) == 1
    assert heard.to("elsewhere") == [] and heard.to("actions") == []
    [asked] = heard.to("@bob")  # an owner the bot can reach is asked one to one
    assert heard.through == ["actions"]
    assert asked.startswith("How are your actions going?\nconsole:bob, what's new on your actions?")
    assert "#1 “A night bus to the hospital” — in-progress · owner console:bob" in asked
    assert "#2 “Bike hangars on every street” — agreed" in asked
    assert "#3" not in asked  # owned by an organisation, not a participant
    assert 'Answer with `progress 1 "what happened"`' in asked
    waiting = said(await room.cmd("olive", "follow-up"))
    assert "Action owners are asked for updates in actions every Monday at 10:00" in waiting
    assert "Asked Mon 2 Mar 10:00, not answered yet: console:bob (#1, #2)." in waiting

    assert "Only #1's owner or an organiser" in refused(
        await room.cmd("ann", 'progress 1 "done, I think"', channel="actions")
    )
    assert "Noted on #1" in said(
        await room.cmd("bob", 'progress 1 "Route agreed with the operator"', channel="actions")
    )
    notes = await room.repo.notes("default", 1)
    assert [(n.text, n.author, n.created_at) for n in notes] == [
        ("Route agreed with the operator", "console:bob", clock.now())
    ]
    assert "not answered yet: console:bob (#2)." in said(await room.cmd("olive", "follow-up"))
    await room.cmd("bob", "progress 2 Funding bid in", channel="actions")
    assert "Every owner asked Mon 2 Mar 10:00 has answered." in said(
        await room.cmd("olive", "follow-up")
    )
    clock.advance(minutes=30)
    assert await tick(room) == 0  # one round per scheduled time
    assert "Only organisers can follow up actions" in refused(await room.cmd("ann", "follow-up"))
    assert "What happened?" in refused(await room.cmd("bob", "progress 1"))
    assert "`follow-up` is off here" in said(
        await room.cmd("olive", "follow-up off", channel="actions")
    )


def test_quiet_hours_come_from_the_environment_and_a_bad_span_stops_start_up() -> None:
    assert Settings.from_env({}).quiet_hours == "21:00-08:00"
    assert Settings.from_env({"HOWCANWE_QUIET_HOURS": " 22:30 - 07:00 "}).quiet_hours == (
        "22:30 - 07:00"
    )
    assert Settings.from_env({"HOWCANWE_QUIET_HOURS": ""}).quiet_hours == ""
    for bad in ("late", "22:00-22:00", "25:00-07:00"):
        with pytest.raises(ConfigError, match="HOWCANWE_QUIET_HOURS"):
            Settings.from_env({"HOWCANWE_QUIET_HOURS": bad})


def test_quiet_hours_across_midnight_and_a_daylight_saving_change() -> None:
    quiet = quiet_hours("21:00-08:00", "Europe/London")
    assert quiet is not None
    evening = datetime(2026, 3, 28, 20, 59, tzinfo=UTC)  # Saturday, GMT
    assert quiet.opens(evening) == evening
    assert quiet.opens(evening.replace(hour=21)) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # BST
    assert quiet.closes_before(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == evening
    assert quiet_hours("", "UTC") is None


async def test_a_theme_closed_by_hand_gets_no_reminder_and_no_second_change(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await room.cmd("olive", "prompt infra")
    await room.cmd("olive", "close infra at 17:00")
    await room.cmd("olive", "voting inclusive at 17:00")
    await room.cmd("olive", "prompt inclusive")
    await room.cmd("olive", "close infra")
    await room.cmd("olive", "close inclusive")
    clock.advance(hours=7)
    assert await tick(room) == 0
    clock.advance(hours=1)
    assert await tick(room) == 0
    assert heard.sent == [] and heard.updated == []
    workshop = room.engine.workshop
    inclusive = workshop.theme("inclusive").key
    assert await phases.phase_of(workshop, "default", inclusive) is Phase.CLOSED  # not reopened


async def test_a_brought_back_sheet_tells_channels_as_a_status_command_would(
    room: Room, heard: Recorder
) -> None:
    await room.cmd("olive", "prompt infra", channel="town")
    await room.reply("ann", "A night bus to the hospital", channel="town")
    await room.cmd("olive", "assign 1 authority", channel="organisers")
    ws = room.engine.workshop
    olive = Participant("console", "olive", "olive")
    sheet = [SheetRow(2, {"id": 1, "status": "agreed", "owner": "WECA transport"})]
    assert (await import_actions(ws, "default", sheet, olive)).applied == 1
    await announced(ws)  # the report comes first, the cards are rewritten after it
    [(posted, card)] = heard.updated  # the idea's card in #town, rewritten in place
    assert posted.channel_id == "town" and "WECA transport" in card.as_text()
    assert await tick(room) == 1
    [note] = heard.to("town")
    assert "#1 is now an agreed action (owner: WECA transport)" in note
    assert await import_actions(ws, "default", sheet, olive) == ImportReport(0, 1, ())
    assert await tick(room) == 0


class SlowUpdates(Recorder):
    """Each card update waits until let through: Slack pacing `chat.update`."""

    def __init__(self) -> None:
        super().__init__()
        self.through_gate = asyncio.Event()

    async def update(self, message: PostedMessage, card: Card) -> bool:
        await self.through_gate.wait()
        return await super().update(message, card)


async def test_a_brought_back_sheet_is_answered_before_its_cards_are_rewritten(
    room: Room,
) -> None:
    """The upload's report does not wait for the platforms' paced card updates; they follow,
    and a stopping server gives them a grace period, then stops waiting."""
    ideas = ("A night bus to the hospital", "Free bike parking at every station")
    for n, text in enumerate(ideas, 1):
        await room.cmd("olive", "prompt infra", channel=f"town{n}")
        await room.reply("ann", text, channel=f"town{n}")
        await room.cmd("olive", f"assign {n} authority", channel="organisers")
    ws = room.engine.workshop
    slow = SlowUpdates()
    ws.notifier = slow
    olive = Participant("console", "olive", "olive")
    sheet = [SheetRow(2, {"id": 1, "status": "agreed"}), SheetRow(3, {"id": 2, "status": "done"})]
    report = await import_actions(ws, "default", sheet, olive)
    assert (report.applied, report.announcing) == (2, 2), report.lines()
    assert slow.updated == [] and len(ws.announcing) == 1
    assert {i.number: i.status for i in await ws.ideas.ideas("default")} == {
        1: Status.AGREED,
        2: Status.DONE,
    }
    await announced(ws, within=0.01)  # stopping: cut short, the changes stay
    assert ws.announcing == set() and slow.updated == []

    again = [SheetRow(2, {"id": 1, "status": "in-progress"})]
    await import_actions(ws, "default", again, olive)
    slow.through_gate.set()
    await announced(ws)
    [(posted, card)] = slow.updated
    assert posted.channel_id == "town1" and "Action: in-progress" in card.as_text()


class Stalling(Recorder):
    """Sends `before` nudges, then hangs on every send: a clock that dies mid-round."""

    def __init__(self, before: int) -> None:
        super().__init__()
        self.before = before
        self.stalled = asyncio.Event()

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        if len(self.sent) >= self.before:
            self.stalled.set()
            await asyncio.Event().wait()
        return await super().send(where, card)


async def test_nudges_claimed_by_a_clock_that_died_are_sent_after_the_lease(
    room: Room, clock: FakeClock
) -> None:
    ws = room.engine.workshop
    await ws.ready("default")
    places = [ConversationRef("console", "local", f"c{n}", f"c{n}") for n in range(40)]
    await ws.nudges.queue_nudges(
        [
            NewNudge("default", f"k{n}", NudgeKind.REMINDER, where, "R", "text", clock.now())
            for n, where in enumerate(places)
        ]
    )
    dying = Stalling(before=25)
    ws.notifier = dying
    round_ = asyncio.create_task(reminders.send_due(ws))
    await dying.stalled.wait()
    for _ in range(50):  # the sends that ended are recorded while the rest hang
        await asyncio.sleep(0)
    round_.cancel()  # the process is gone: its claims stay taken, its last sends unrecorded
    with contextlib.suppress(asyncio.CancelledError):
        await round_
    ws.notifier = heard = Recorder()
    assert await tick(room) == 0  # within the lease: nobody takes them
    clock.advance(minutes=16)
    resent = await tick(room)
    reached = [w for w, _ in dying.sent] + [w for w, _ in heard.sent]
    assert set(reached) == {p.channel_id for p in places}  # nobody left out
    assert resent == 40 - 25 + len(reached) - 40  # the rest, and only the unrecorded twice
    assert len(reached) - 40 <= reminders.FINISH_EVERY  # at most a batch heard it twice
