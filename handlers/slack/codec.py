"""The Block Kit codec: neutral cards and forms to Slack JSON, and Slack payloads to intents.

Pure functions only. Every text that comes from a card is escaped for mrkdwn, so a participant's
`<!channel>`, `<@U123>`, `*bold*` or `> quote` is shown as typed: it pings nobody and formats
nothing. Block Kit's size limits are met by shortening gracefully rather than by Slack refusing
the whole message: lengths are counted as Slack counts them (UTF-16 code units: an emoji is two)
in the text as sent, after escaping, and a message's or view's text as a whole stays within
`TEXT_BUDGET`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.interaction import (
    POST_PROMPT,
    Actions,
    Block,
    Bullets,
    Button,
    ButtonPressed,
    Card,
    Command,
    Facts,
    Form,
    FormSubmitted,
    Heading,
    Link,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Select,
    Text,
    Tone,
)

Json = dict[str, Any]

MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
MODAL_BLOCKS = 100
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FIELDS = 10
HEADER_CHARS = 150
BUTTON_CHARS = 75
OPTION_CHARS = 75
OPTION_VALUE_CHARS = 150
BUTTON_VALUE_CHARS = 2000
OPTIONS = 100
ACTION_ELEMENTS = 25
PLACEHOLDER_CHARS = 150
MODAL_TITLE_CHARS = 24
METADATA_CHARS = 3000
FALLBACK_CHARS = 3000
# Slack refuses a message whose blocks hold too much text in all (`msg_blocks_too_long`) at a
# total it does not document: reported from about 11,300 characters of text (its staff speak of
# 12,000 less room for the blocks' own structure). Views document no total; they get the same.
TEXT_BUDGET = 10_000
LINK_LABEL_CHARS = 300
KEPT_BLOCKS = frozenset({"actions", "input"})  # never dropped to fit: what a person acts with
MORE = "…there is more than fits here; type `plan` or `ideas` to see everything."

# Message subtypes that are still a person speaking (anything else is an edit, a join, a bot…).
HUMAN_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_ENTITY = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
CHANNEL_FIELD = "channel"

# mrkdwn has no backslash escape. A run of formatting characters becomes the fallback text of a
# date Slack cannot format (`{_}` is no date token): Slack shows a fallback as plain text, so the
# characters read as typed and format nothing. Emoji codes (`:white_check_mark:`) keep their
# underscores, so that they still show as the emoji the participant picked.
_FORMATTING = re.compile(r"(:[a-z0-9+'-](?:[a-z0-9_+'-]*[a-z0-9+'-])?:)|([*_~`＊＿｀]+)")
_LITERAL = "<!date^00000000^{{_}}|{}>"
# `>` (or a full-width `＞`) opening a line makes a quote: an invisible soft hyphen before it
# stops that.
_QUOTE = re.compile(r"^([ \t]*)(?=&gt;|＞)", re.MULTILINE)
SOFT_HYPHEN = "\u00ad"
_SPECIAL = re.compile(r"[&<>*_~`＊＿｀＞]")  # most texts (names, counts) have none


# ---- out: cards, forms, views ---------------------------------------------------------------


def entities(text: str) -> str:
    """Slack's control characters as entities: Slack then shows `<!here>` instead of obeying
    it. Enough inside a link, where formatting is not applied."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """Plain text as mrkdwn that reads exactly like it: no mention, link, bold, italic, strike,
    code or quote comes out of a participant's text."""
    if not _SPECIAL.search(text):
        return text
    literal = _FORMATTING.sub(_literal, entities(text))
    return _QUOTE.sub(r"\1" + SOFT_HYPHEN, literal)


def _literal(match: re.Match[str]) -> str:
    emoji, run = match.groups()
    return emoji or _LITERAL.format(run)


def units(text: str) -> int:
    """A length as Slack counts it: UTF-16 code units (an emoji outside the BMP is two). Encoded
    in C rather than counted per character: a big card measures thousands of texts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escaped(text: str, limit: int) -> str:
    """`escape(text)` in at most `limit` units: the text is shortened before it is escaped,
    so no escape (`&amp;`, a date literal) is ever cut in half, and at a character boundary
    that splits no emoji or accented letter."""
    text = text[: limit + 1]  # escaping never shortens a text: nothing past `limit` can show
    rendered = escape(text)
    size = units(rendered)
    if size <= limit:
        return rendered

    def fits(cut: int) -> bool:
        return units(escape(_whole(text, cut) + "…")) <= limit

    # The longest prefix whose escape (with …) fits, searched from where it would be if the
    # escapes were spread evenly: most texts' are, and a card can hold hundreds of long ones.
    fit, too_long = _bracket(len(text) * limit // size, len(text), fits)
    while too_long - fit > 1:
        middle = (fit + too_long) // 2
        if fits(middle):
            fit = middle
        else:
            too_long = middle
    return escape(_whole(text, fit) + "…")


def _bracket(guess: int, length: int, fits: Callable[[int], bool]) -> tuple[int, int]:
    """A cut that fits (or 0) and a longer one that does not (or `length`, known not to), found
    by steps that double away from `guess`."""
    step = 1
    if fits(guess):
        while guess + step < length and fits(guess + step):
            guess, step = guess + step, step * 2
        return guess, min(guess + step, length)
    while guess - step > 0 and not fits(guess - step):
        guess, step = guess - step, step * 2
    return max(guess - step, 0), guess


def clip(text: str, limit: int) -> str:
    """Plain text in at most `limit` units, ending in … when shortened."""
    if units(text) <= limit:
        return text
    return _whole(text, _fitting(text, limit - 1)) + "…"


def _fitting(text: str, limit: int) -> int:
    """How many of `text`'s characters fit in `limit` units."""
    used = 0
    for count, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return count
    return len(text)


def _whole(text: str, cut: int) -> str:
    """`text[:cut]`, moved back so that no grapheme is split: a combining mark, a variation
    selector, a skin tone or a joined emoji stays with the character before it."""
    while 0 < cut < len(text) and (_joins(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return text[:cut]


def _joins(char: str) -> bool:
    return (
        char in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"  # tag characters of flags
        or unicodedata.combining(char) > 0
    )


def plain(text: str, limit: int) -> Json:
    """A plain_text object: Slack renders it literally, so no escaping is needed."""
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def mrkdwn(text: str) -> Json:
    """`verbatim`: Slack adds no links or mentions of its own to what a participant typed (a
    channel name, an address, `@here`); the links we write (`<url|label>`) still work."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def fallback(card: Card) -> str:
    """The message's `text`: notifications and screen readers read it."""
    return escaped(card.as_text(), FALLBACK_CHARS) or " "


def message(card: Card) -> Json:
    """Keyword arguments for chat.postMessage / chat.update / chat.postEphemeral."""
    return {"text": fallback(card), "blocks": card_blocks(card, MESSAGE_BLOCKS)}


def home_view(card: Card) -> Json:
    return {"type": "home", "blocks": card_blocks(card, HOME_BLOCKS)}


def card_blocks(card: Card, limit: int) -> list[Json]:
    blocks: list[Json] = []
    if card.title:
        blocks.append({"type": "header", "text": plain(card.title, HEADER_CHARS)})
    for block in card.blocks:
        blocks.extend(_render(block))
    return _fit(blocks, limit)


def _fit(blocks: list[Json], limit: int) -> list[Json]:
    """Drop reading blocks from the end (never buttons or inputs) until the blocks, and the
    notice that says so, fit both the block count and the text budget."""
    if len(blocks) <= limit and text_units(blocks) <= TEXT_BUDGET:
        return blocks
    more = {"type": "context", "elements": [mrkdwn(MORE)]}  # our own `code`
    kept = list(blocks)
    total = text_units(kept)  # kept up to date as blocks go, not recounted: a card has hundreds
    reading = [i for i, b in enumerate(kept) if b["type"] not in KEPT_BLOCKS]
    while reading and (len(kept) > limit - 1 or total + units(MORE) > TEXT_BUDGET):
        total -= text_units(kept.pop(reading.pop()))
    return [*kept, more]


def text_units(node: Any) -> int:
    """All the text in blocks, as Slack totals it for `msg_blocks_too_long`."""
    if isinstance(node, list):
        return sum(text_units(item) for item in node)
    if not isinstance(node, dict):
        return 0
    if node.get("type") in ("plain_text", "mrkdwn"):
        return units(str(node.get("text", "")))
    return sum(text_units(value) for value in node.values())


def _render(block: Block) -> list[Json]:
    match block:
        case Text(text=text, tone=Tone.MUTED):
            return [{"type": "context", "elements": [mrkdwn(escaped(text, SECTION_CHARS))]}]
        case Text(text=text, tone=Tone.STRONG):
            return _sections(_bold(line, SECTION_CHARS) for line in text.splitlines())
        case Text(text=text):
            return _sections(escaped(line, SECTION_CHARS) for line in text.splitlines())
        case Heading(text=text):
            return _sections([_bold(text, SECTION_CHARS)])
        case Bullets(items=items):
            return _sections("• " + escaped(item, SECTION_CHARS - 2) for item in items)
        case Facts(pairs=pairs):
            return _facts(pairs)
        case Actions(elements=elements):
            return _actions(elements)
        case Link(label=label, url=url):
            shown = entities(clip(label, LINK_LABEL_CHARS))
            return [{"type": "section", "text": mrkdwn(f"<{entities(url)}|{shown}>")}]
    return []


def _bold(text: str, limit: int) -> str:
    """Our own bold around a participant's text, which stays as typed within it."""
    return f"*{escaped(text.strip(), limit - 2)}*" if text.strip() else ""


def _sections(lines: Iterator[str] | list[str]) -> list[Json]:
    """Lines (each within the 3000-character limit) packed into as few sections as it allows."""
    sections: list[Json] = []
    chunk, used = "", 0  # `used`: units(chunk), kept as lines are added rather than recounted
    for line in lines:
        size = units(line)
        if chunk and used + 1 + size > SECTION_CHARS:
            sections.append({"type": "section", "text": mrkdwn(chunk)})
            chunk, used = "", 0
        chunk, used = (f"{chunk}\n{line}", used + 1 + size) if chunk else (line, size)
    if chunk.strip():
        sections.append({"type": "section", "text": mrkdwn(chunk)})
    return sections


def _facts(pairs: tuple[tuple[str, str], ...]) -> list[Json]:
    fields = []
    for label, value in pairs:
        title = _bold(label, FIELD_CHARS // 2)
        fields.append(mrkdwn(f"{title}\n{escaped(value, FIELD_CHARS - units(title) - 1)}"))
    return [
        {"type": "section", "fields": fields[i : i + FIELDS]} for i in range(0, len(fields), FIELDS)
    ]


def _actions(elements: tuple[Button | Select, ...]) -> list[Json]:
    """One actions block per 25 elements; repeated action ids get a `#n` suffix, because Slack
    wants them unique within a block (`action_base` strips it again)."""
    rendered: list[Json] = []
    seen: dict[str, int] = {}
    for element in elements:
        count = seen[element.action_id] = seen.get(element.action_id, 0) + 1
        action_id = element.action_id if count == 1 else f"{element.action_id}#{count}"
        rendered.append(_element(element, action_id))
    return [
        {"type": "actions", "elements": rendered[i : i + ACTION_ELEMENTS]}
        for i in range(0, len(rendered), ACTION_ELEMENTS)
    ]


def _element(element: Button | Select, action_id: str) -> Json:
    if isinstance(element, Button):
        button: Json = {
            "type": "button",
            "action_id": action_id,
            "text": plain(element.label, BUTTON_CHARS),
            "value": element.value[:BUTTON_VALUE_CHARS],
        }
        if element.primary:
            button["style"] = "primary"
        return button
    options = [_option(o.label, o.value) for o in element.options[:OPTIONS]]
    select: Json = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(element.placeholder, PLACEHOLDER_CHARS),
        "options": options,
    }
    initial = next((o for o in options if o["value"] == element.initial), None)
    if initial is not None:
        select["initial_option"] = initial
    return select


def _option(label: str, value: str) -> Json:
    return {"text": plain(label, OPTION_CHARS), "value": value[:OPTION_VALUE_CHARS]}


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a modal carries to its submission: the form's own metadata, and where to answer."""

    form: str = ""
    channel_id: str = ""
    channel_name: str = ""
    thread_ts: str | None = None

    def pack(self) -> str:
        data = {"m": self.form, "c": self.channel_id, "n": self.channel_name, "t": self.thread_ts}
        return json.dumps(data, separators=(",", ":"))[:METADATA_CHARS]

    @classmethod
    def unpack(cls, text: str) -> Metadata:
        """Tolerant: a tampered or foreign private_metadata yields empty fields, not a crash."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        thread = data.get("t")
        return cls(
            form=str(data.get("m") or ""),
            channel_id=str(data.get("c") or ""),
            channel_name=str(data.get("n") or ""),
            thread_ts=str(thread) if thread else None,
        )


def modal(form: Form, metadata: Metadata) -> Json:
    """A form as a modal; callback_id is the form's action id, each input's id its field name."""
    blocks: list[Json] = _sections(escaped(line, SECTION_CHARS) for line in form.intro.splitlines())
    for field in form.fields:
        element: Json = {
            "type": "plain_text_input",
            "action_id": field.name,
            "multiline": field.multiline,
            "max_length": field.max_length,
        }
        if field.placeholder:
            element["placeholder"] = plain(field.placeholder, PLACEHOLDER_CHARS)
        blocks.append(
            {
                "type": "input",
                "block_id": field.name,
                "label": plain(field.label, FIELD_CHARS),
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": form.action_id,
        "title": plain(form.title, MODAL_TITLE_CHARS),
        "submit": plain(form.submit_label, MODAL_TITLE_CHARS),
        "close": plain("Cancel", MODAL_TITLE_CHARS),
        "private_metadata": metadata.pack(),
        "blocks": _fit(blocks, MODAL_BLOCKS),
    }


def channel_picker(theme_key: str, label: str) -> Json:
    """App Home's "Post next" asks where first: a modal with a channel menu."""
    return {
        "type": "modal",
        "callback_id": POST_PROMPT,
        "title": plain("Post a prompt", MODAL_TITLE_CHARS),
        "submit": plain("Post", MODAL_TITLE_CHARS),
        "close": plain("Cancel", MODAL_TITLE_CHARS),
        "private_metadata": Metadata(form=theme_key).pack(),
        "blocks": [
            {"type": "section", "text": mrkdwn(escaped(label, SECTION_CHARS))},
            {
                "type": "input",
                "block_id": CHANNEL_FIELD,
                "label": plain("Channel", FIELD_CHARS),
                "element": {
                    "type": "conversations_select",
                    "action_id": CHANNEL_FIELD,
                    "placeholder": plain("Choose a channel…", PLACEHOLDER_CHARS),
                    "filter": {"include": ["public", "private"], "exclude_bot_users": True},
                },
            },
        ],
    }


# ---- in: payloads to intents ----------------------------------------------------------------


def action_base(action_id: str) -> str:
    """`idea.assign#2` → `idea.assign` (see `_actions`)."""
    return action_id.split("#", 1)[0]


def action_intent(action: Mapping[str, Any]) -> ButtonPressed:
    """One element of a block_actions payload: a button's value or a menu's chosen option."""
    selected = action.get("selected_option") or {}
    value = action.get("value")
    if value is None:
        value = selected.get("value", "")
    return ButtonPressed(action_base(str(action.get("action_id", ""))), str(value))


def form_fields(view: Mapping[str, Any]) -> dict[str, str]:
    """A submitted view's inputs by block id: typed text, a chosen option or a conversation."""
    fields: dict[str, str] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in actions.values():
            option = element.get("selected_option") or {}
            value = (
                element.get("value")
                or option.get("value")
                or element.get("selected_conversation")
                or element.get("selected_channel")
                or ""
            )
            fields[block_id] = str(value)
    return fields


def submission_intent(view: Mapping[str, Any]) -> FormSubmitted:
    metadata = Metadata.unpack(str(view.get("private_metadata") or ""))
    return FormSubmitted(str(view.get("callback_id", "")), form_fields(view), metadata.form)


def first_input(view: Mapping[str, Any]) -> str | None:
    """The block id a refusal is shown under in the modal."""
    inputs = (b.get("block_id") for b in view.get("blocks") or () if b.get("type") == "input")
    return next((block_id for block_id in inputs if block_id), None)


def from_slack(text: str, user_ids: bool = False) -> str:
    """Slack's message markup to the plain text a person typed: `<@U1|ann>` → `@ann` (`@U1`
    with `user_ids`, for commands that name people), `<!here>` → `@here`,
    `<https://x|site>` → `site (https://x)`, `&lt;` → `<`."""

    def entity(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target[:1] in "@#":
            return target[0] + (target[1:] if user_ids or not label else label)
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        if not label or label == target or target == f"mailto:{label}":
            return label or target
        return f"{label} ({target})"

    text = _ENTITY.sub(entity, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_person_speaking(event: Mapping[str, Any]) -> bool:
    """Bots (ourselves included), edits, deletions and joins are not people speaking."""
    return (
        not event.get("bot_id")
        and not event.get("bot_profile")
        and event.get("subtype") in HUMAN_SUBTYPES
        and bool(event.get("user"))
    )


def message_intent(event: Mapping[str, Any], bot_user_id: str | None) -> MessagePosted | None:
    """A person's reply in a thread may be an idea; top-level chatter and mentions of us are not
    (a mention is answered as a command by `mention_intent`)."""
    if not is_person_speaking(event) or not event.get("thread_ts"):
        return None
    text = str(event.get("text") or "")
    if bot_user_id and f"<@{bot_user_id}" in text:
        return None
    return MessagePosted(from_slack(text), str(event.get("ts") or "") or None)


def change_intent(
    event: Mapping[str, Any],
) -> tuple[Mapping[str, Any], MessageEdited | MessageDeleted] | None:
    """A person's thread reply edited (`message_changed`) or deleted (`message_deleted`): the
    intent, with the reply as the event it speaks for (its author, channel and thread). Bots'
    messages (ours included) and messages that are no thread reply are not ideas: None."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        reply = _thread_reply(event.get("message"), event)
        if reply is None:
            return None
        return reply, MessageEdited(str(reply["ts"]), from_slack(str(reply.get("text") or "")))
    if subtype == "message_deleted":
        reply = _thread_reply(event.get("previous_message"), event)
        deleted = str(event.get("deleted_ts") or "") or (reply or {}).get("ts")
        if reply is None or not deleted:
            return None
        return reply, MessageDeleted(str(deleted))
    return None


def _thread_reply(message: Any, event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if not isinstance(message, Mapping):
        return None
    ts, thread_ts = message.get("ts"), message.get("thread_ts")
    if not ts or not thread_ts or ts == thread_ts or not is_person_speaking(message):
        return None
    return {**message, "channel": event.get("channel")}


def command_intent(text: str) -> Command:
    """A slash command's text, which Slack sends in its message markup."""
    return Command(from_slack(text, user_ids=True).strip())


def mention_intent(text: str) -> Command:
    """`@howcanwe vote 3` → Command("vote 3"); a bare mention asks for help."""
    command = " ".join(from_slack(_MENTION.sub(" ", text, count=1), user_ids=True).split())
    return Command(command or "help")
