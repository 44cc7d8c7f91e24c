"""The Adaptive Card codec: neutral cards and forms to Adaptive Card 1.5 JSON, and activities back
to intents.

Pure functions only. A message that @mentions the bot (or any message in a 1:1 chat) is a command;
a reply in a prompt's chain without a mention is a plain message (an idea); a card submit is
whatever the card's data says (`intents`). Every text is escaped for the markdown subset Teams
renders in a TextBlock, so a participant's `**bold**`, `[link](…)` or `<at>` is shown as typed.
Buttons are `Action.Submit` with `data: {"action_id", "value"}`; a submit arrives as a message
whose `value` holds that data plus the card's inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from typing import Any

from botbuilder.schema import Activity

from bot.core.interaction import (
    ADD_IDEA,
    ASSIGN,
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
    Intent,
    Link,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Select,
    Text,
    TextField,
    Tone,
)
from handlers.teams.origin import Origin
from handlers.teams.wire import wire

Json = dict[str, Any]

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"  # the newest version Teams renders
FIELD_PREFIX = "field."
CHOICE_PREFIX = "choice."
# Of the card as sent (UTF-8 JSON, see `wire`), leaving room within Teams' ~28 KB message for
# the activity around it: ids, the 200-character summary (800 bytes at most), the mention.
MAX_CARD_BYTES = 24_000
MORE = "…there is more than fits here; type `plan` or `ideas` to see everything."
# The prompt's inline "Add an idea" input: the same field the core's idea form asks for.
IDEA_FIELD = TextField("idea", "Your idea", "What could we do? Who could do it?")

# What Teams' TextBlock markdown (a CommonMark subset) acts on: emphasis, links, code and the `<at>`
# mention tag anywhere, an entity such as `&copy;`, list and heading markers at the start of a
# line, and a line of `-` or `=` (a rule, or an underline that makes the line above a heading).
# A backslash shows the character as typed.
_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>~"})  # in C: a card holds thousands
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"^([ \t]*)([-+]|\d+[.)]|#{1,6})(?=[ \t]|$)", re.MULTILINE)
_RULE = re.compile(r"^([ \t]*)(?=[-=][-= \t]*$)", re.MULTILINE)


def escape(text: str) -> str:
    """Plain text → TextBlock markdown that reads exactly as the plain text."""
    inline = _ENTITY.sub(r"\\&", text.replace("\r", "").translate(_INLINE))
    return _RULE.sub(r"\1\\", _LINE_START.sub(_escape_marker, inline))


def _escape_marker(match: re.Match[str]) -> str:
    marker = match[2]
    if marker[0].isdigit():
        return f"{match[1]}{marker[:-1]}\\{marker[-1]}"
    return f"{match[1]}\\{marker}"


def card(neutral: Card, addressed_to: tuple[str, str] | None = None) -> Json:
    """A neutral card as an Adaptive Card; `addressed_to` (user id, name) opens it with a mention,
    Teams' stand-in for a message only that person sees."""
    body: list[Json] = []
    entities: list[Json] = []
    if addressed_to is not None:
        mention, entity = _mention(*addressed_to)
        body.append(_text_block(mention, raw=True, subtle=True))
        entities.append(entity)
    if neutral.title:
        body.append(_text_block(neutral.title, weight="bolder", size="medium"))
    actions: list[Json] = []
    for block in neutral.blocks:
        body.extend(_block(block, actions))
    content = _envelope(_fitted(body, actions, entities), actions)
    if entities:
        content["msteams"]["entities"] = entities
    return content


def _fitted(body: list[Json], actions: list[Json], entities: list[Json]) -> list[Json]:
    """Teams refuses a message over about 28 KB: drop text from the end, and say so. The card's
    own frame (its type, version, schema and width) and its mentions count as well."""
    frame = _size([_envelope([], [])]) + _size(entities)
    if frame + _size(body) + _size(actions) <= MAX_CARD_BYTES:
        return body
    more = _text_block(MORE, subtle=True)
    budget = MAX_CARD_BYTES - frame - _size(actions) - _size([more])
    kept: list[Json] = []
    used = 0
    for element in body:
        used += _size([element])
        if used > budget:
            break
        kept.append(element)
    return [*kept, more]


def _size(elements: list[Json]) -> int:
    return len(wire(elements))


def form(neutral: Form) -> Json:
    """A form as a card with its inputs and one submit (Teams has no modal for a bot message)."""
    body = [
        _text_block(neutral.title, weight="bolder", size="medium"),
        _text_block(neutral.intro),
    ]
    body += [_input(field) for field in neutral.fields]
    submit = _form_submit(neutral.submit_label, neutral.action_id, neutral.metadata, neutral.fields)
    return _envelope(body, [submit])


def _envelope(body: list[Json], actions: list[Json]) -> Json:
    content: Json = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        content["actions"] = actions
    return content


def _mention(user_id: str, name: str) -> tuple[str, Json]:
    shown = re.sub(r"[<>]", "", name) or "you"
    tag = f"<at>{shown}</at>"
    return tag, {"type": "mention", "text": tag, "mentioned": {"id": user_id, "name": shown}}


def _text_block(
    text: str,
    *,
    raw: bool = False,
    subtle: bool = False,
    weight: str | None = None,
    size: str | None = None,
) -> Json:
    block: Json = {"type": "TextBlock", "text": text if raw else escape(text), "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if weight:
        block["weight"] = weight
    if size:
        block["size"] = size
    return block


def _block(block: Block, actions: list[Json]) -> Iterator[Json]:
    match block:
        case Text(text=text, tone=tone):
            yield _text_block(
                text,
                subtle=tone is Tone.MUTED,
                weight="bolder" if tone is Tone.STRONG else None,
            )
        case Heading(text=text):
            heading = _text_block(text, weight="bolder")
            heading["spacing"] = "medium"
            yield heading
        case Bullets(items=items):
            for item in items:
                bullet = _text_block("• " + item)
                bullet["spacing"] = "none"
                yield bullet
        case Facts(pairs=pairs):
            yield {
                "type": "FactSet",
                "facts": [{"title": escape(k), "value": escape(v)} for k, v in pairs],
            }
        case Actions(elements=elements):
            yield from _actions(elements, actions)
        case Link(label=label, url=url):
            yield _action_set([{"type": "Action.OpenUrl", "title": label, "url": url}])


def _actions(elements: tuple[Button | Select, ...], actions: list[Json]) -> Iterator[Json]:
    buttons = [e for e in elements if isinstance(e, Button)]
    selects = [e for e in elements if isinstance(e, Select)]
    for button in buttons:
        if button.action_id == ADD_IDEA:
            # Inline, so an idea takes one step: the input sits on the prompt card itself.
            yield _input(IDEA_FIELD)
            yield _action_set(
                [_form_submit(button.label, ADD_IDEA, button.value, (IDEA_FIELD,), primary=True)]
            )
        else:
            actions.append(_submit(button))
    if selects:
        actions.append(_choices_card(selects))


def _action_set(actions: list[Json]) -> Json:
    return {"type": "ActionSet", "actions": actions}


def _submit(button: Button) -> Json:
    action: Json = {
        "type": "Action.Submit",
        "title": button.label,
        "data": {"action_id": button.action_id, "value": button.value},
    }
    if button.primary:
        action["style"] = "positive"
    return action


def _form_submit(
    label: str, action_id: str, metadata: str, fields: tuple[TextField, ...], primary: bool = False
) -> Json:
    action: Json = {
        "type": "Action.Submit",
        "title": label,
        "data": {
            "action_id": action_id,
            "metadata": metadata,
            "fields": [field.name for field in fields],
        },
    }
    if primary:
        action["style"] = "positive"
    return action


def _input(field: TextField) -> Json:
    return {
        "type": "Input.Text",
        "id": FIELD_PREFIX + field.name,
        "label": field.label,
        "placeholder": field.placeholder,
        "isMultiline": field.multiline,
        "maxLength": field.max_length,
    }


def _choices_card(selects: list[Select]) -> Json:
    """The menus as one "Assign…" form behind a ShowCard: chosen together, submitted once."""
    inputs: list[Json] = []
    initial: dict[str, str] = {}
    for n, select in enumerate(selects):
        input_id = f"{CHOICE_PREFIX}{n}"
        choice: Json = {
            "type": "Input.ChoiceSet",
            "id": input_id,
            "label": select.placeholder.rstrip("…"),
            "placeholder": select.placeholder,
            "style": "compact",
            "choices": [{"title": o.label, "value": o.value} for o in select.options],
        }
        if select.initial:
            choice["value"] = select.initial
        inputs.append(choice)
        initial[input_id] = select.initial or ""
    action_id = selects[0].action_id
    save: Json = {
        "type": "Action.Submit",
        "title": "Save",
        "style": "positive",
        "data": {"action_id": action_id, "initial": initial},
    }
    title = "Assign…" if action_id == ASSIGN else selects[0].placeholder
    return {
        "type": "Action.ShowCard",
        "title": title,
        "card": {"type": "AdaptiveCard", "body": inputs, "actions": [save]},
    }


# ---- submits → intents ---------------------------------------------------------------------


def intents(value: Any) -> list[Intent] | None:
    """A card submit's `value` as intents: a button press, a form, or one choice per changed menu
    (an empty list when nothing was changed). None when it is not shaped like our cards."""
    if not isinstance(value, Mapping):
        return None
    action_id = _text(value.get("action_id"))
    if not action_id:
        return None
    fields = value.get("fields")
    if isinstance(fields, list):
        names = [name for name in fields if isinstance(name, str)]
        return [
            FormSubmitted(
                action_id,
                {name: _text(value.get(FIELD_PREFIX + name)) for name in names},
                _text(value.get("metadata")),
            )
        ]
    initial = value.get("initial")
    if isinstance(initial, Mapping):
        chosen = ((key, _text(value.get(key)), _text(was)) for key, was in initial.items())
        return [ButtonPressed(action_id, now) for key, now, was in chosen if now and now != was]
    return [ButtonPressed(action_id, _text(value.get("value")))]


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


# ---- typed messages → intents ---------------------------------------------------------------


def mentions_bot(activity: Activity) -> bool:
    return bool(_bot_mentions(activity))


def _bot_mentions(activity: Activity) -> list[str]:
    """The texts (`<at>howcanwe</at>`) of the entities that mention the recipient (the bot)."""
    bot_id = activity.recipient.id if activity.recipient else None
    found = []
    for entity in activity.entities or []:
        if (entity.type or "").lower() != "mention":
            continue
        props = entity.additional_properties or {}
        mentioned = props.get("mentioned")
        if not isinstance(mentioned, Mapping):
            continue
        if bot_id and mentioned.get("id") == bot_id:
            found.append(str(props.get("text") or f"<at>{mentioned.get('name', '')}</at>"))
    return found


def message_text(activity: Activity) -> str:
    """The message as typed, without the bot's mention (a literal cut, not a pattern), as
    plain text: Teams sends what people type as HTML (`<p>…<strong>…</strong></p>`, `&nbsp;`
    from mobile clients) even when it says `textFormat: plain`."""
    text = activity.text or ""
    for mention in _bot_mentions(activity):
        text = text.replace(mention, " ")
    return _plain(text)


class _Text(HTMLParser):
    """Collects an HTML fragment's text; a block or a line break becomes a line break."""

    BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(text: str) -> str:
    """HTML reduced to its text: tags dropped, entities decoded, spaces and lines tidied."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = ("".join(parser.parts).replace("\xa0", " ")).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def message_intent(activity: Activity, where: Origin) -> Intent | None:
    """A typed message as an intent, or None when it is not addressed to the workshop."""
    text = message_text(activity)
    if mentions_bot(activity) or (where.personal and where.thread_id is None):
        return Command(text or "help")
    if not text:
        return None
    return MessagePosted(text, activity.id or None)


def change_intent(activity: Activity, deleted: bool) -> MessageEdited | MessageDeleted | None:
    """A `messageUpdate` (edit) or `messageDelete` (soft delete) activity names the message it
    changes by its own id; an edited message that now mentions the bot is a command, which
    creates no idea to follow."""
    if not activity.id:
        return None
    if deleted:
        return MessageDeleted(activity.id)
    if mentions_bot(activity):
        return None
    return MessageEdited(activity.id, message_text(activity))
