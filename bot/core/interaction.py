"""The neutral conversation: intents that come in from any platform, replies and cards that go out.

Every text in a card is plain text exactly as it should read; each platform's codec escapes it for
its own markup, so a participant's `<!channel>` or `<script>` is shown, never obeyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.domain import Anchor, ConversationRef, Participant, PostedMessage

# Dotted action ids shared by every platform (Slack action_id / callback_id, Teams data.action_id).
VOTE = "idea.vote"  # the idea card's button: votes, or takes the vote back
VOTE_FOR = "idea.vote_for"  # "Vote for #7": votes, and never takes a vote back
ASSIGN = "idea.assign"
ADD_IDEA = "prompt.add_idea"
ADD_ANYWAY = "idea.add_anyway"
CONFIRM = "idea.confirm"
PROPOSE = "idea.propose"  # a participant proposes the actor the button names (the suggestion)
CONFIRM_PROPOSAL = "idea.confirm_proposal"  # organisers make a proposal the assignment
SEE_IDEAS = "prompt.see_ideas"
POST_PROMPT = "prompt.post"
HIDE = "idea.hide"
KEEP = "idea.keep"
FORGET = "person.forget"
THEME_CONFIRM = "theme.confirm"  # organisers confirm a proposed emerging theme (`t3`)
THEME_DROP = "theme.drop"  # … or set it aside


# ---- intents -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """Who is acting, where, and in which programme. `request_key` is the platform's own id
    for the request (a Slack event id or trigger id, a Teams activity): an idea stored with it
    is stored once, however often the platform re-sends or someone replays the request."""

    who: Participant
    where: ConversationRef
    programme_key: str = "default"
    request_key: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A line of the command grammar: `/howcanwe …`, `@howcanwe …`, or `/…` in the console."""

    text: str


@dataclass(frozen=True, slots=True)
class MessagePosted:
    """A plain message; in a prompt's thread it is an idea. `message_id` is the platform's id
    of the message within its channel (a Slack ts, a Teams activity id): the idea remembers it,
    so that editing or deleting the message edits or withdraws the idea."""

    text: str
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class MessageEdited:
    """Someone edited their message `message_id` in this channel; it now reads `text`."""

    message_id: str
    text: str


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    """Someone deleted their message `message_id` in this channel."""

    message_id: str


@dataclass(frozen=True, slots=True)
class ButtonPressed:
    action_id: str
    value: str


@dataclass(frozen=True, slots=True)
class FormSubmitted:
    action_id: str
    fields: dict[str, str]
    metadata: str = ""


Intent = Command | MessagePosted | MessageEdited | MessageDeleted | ButtonPressed | FormSubmitted


# ---- cards -----------------------------------------------------------------------------------


class Tone(StrEnum):
    PLAIN = "plain"
    MUTED = "muted"
    STRONG = "strong"


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    tone: Tone = Tone.PLAIN


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Facts:
    """Label/value pairs, e.g. ("Votes", "3 — community 2, business 1")."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str
    value: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Select:
    """A menu that acts as soon as something is chosen (Slack static_select, Teams choice set)."""

    action_id: str
    placeholder: str
    options: tuple[Option, ...]
    initial: str | None = None


@dataclass(frozen=True, slots=True)
class Actions:
    elements: tuple[Button | Select, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A web address to open (the plan's web view): a link button or a plain URL."""

    label: str
    url: str


Block = Text | Heading | Bullets | Facts | Actions | Link


@dataclass(frozen=True, slots=True)
class Card:
    """A platform-neutral message: a title, then blocks in reading order."""

    title: str
    blocks: tuple[Block, ...] = ()

    def as_text(self) -> str:
        """The plain rendering: console output, notification text and screen-reader fallback."""
        lines = [self.title] if self.title else []
        for block in self.blocks:
            lines.extend(_block_text(block))
        return "\n".join(lines)


def _block_text(block: Block) -> list[str]:
    match block:
        case Text(text=text):
            return [text]
        case Heading(text=text):
            return ["", text]
        case Bullets(items=items):
            return [f"  • {item}" for item in items]
        case Facts(pairs=pairs):
            return [f"  {label}: {value}" for label, value in pairs]
        case Link(label=label, url=url):
            return [f"{label}: {url}"]
        case Actions():
            return []
    return []


@dataclass(frozen=True, slots=True)
class TextField:
    name: str
    label: str
    placeholder: str = ""
    multiline: bool = True
    max_length: int = 3000


@dataclass(frozen=True, slots=True)
class Form:
    """A dialog to fill in (Slack modal, Teams card inputs); submitted back as FormSubmitted."""

    title: str
    action_id: str
    submit_label: str
    intro: str
    fields: tuple[TextField, ...]
    metadata: str = ""


# ---- replies -----------------------------------------------------------------------------


class Delivery(StrEnum):
    CHANNEL = "channel"  # a new message in the channel, seen by everyone
    THREAD = "thread"  # in the thread of the message acted on (or the channel if none)
    PRIVATE = "private"  # only the person acting sees it (Slack ephemeral, Teams reply)
    REPLACE = "replace"  # update the card the button was pressed on, in place


@dataclass(frozen=True, slots=True)
class Say:
    """Post a card. With an `anchor`, the handler reports the posted message's id back
    (`Engine.posted`), so replies in its thread and later refreshes can find it."""

    card: Card
    delivery: Delivery = Delivery.THREAD
    anchor: Anchor | None = None


def note(text: str, delivery: Delivery = Delivery.PRIVATE) -> Say:
    """A one-paragraph message with no title."""
    return Say(Card("", (Text(text),)), delivery)


@dataclass(frozen=True, slots=True)
class Refresh:
    """Every copy of the anchored card already posted should now read like `card` (live counts).
    `Engine.spread` fills in `copies`: those on the acting platform, for its edge to update
    (copies on other platforms it updates itself, through their notifiers); an edge that
    coalesces refreshes asks `Engine.refresh_copies` when it sends instead. A vote leaves `card`
    unset: the edge reads the card (`Engine.card`) when it sends the update, so that a burst of
    votes renders it once, as it reads after the newest vote, rather than once per click."""

    anchor: Anchor
    card: Card | None = None
    copies: tuple[PostedMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class ShowForm:
    form: Form


@dataclass(frozen=True, slots=True)
class Rejected:
    """A friendly one-line refusal, shown only to the person acting; nothing was changed."""

    reason: str

    def card(self) -> Card:
        return Card(title="", blocks=(Text(self.reason),))


Reply = Say | Refresh | ShowForm | Rejected
