"""The console listeners, for `howcanwe chat`: a console conversation. `/command` lines are
commands; other lines reply to the channel's latest prompt (whichever session posted it: the
thread is read from the database), as a thread reply would in Slack or Teams."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TextIO

from bot.core.domain import ConversationRef, Participant
from bot.core.engine import Engine
from bot.core.interaction import Command, Context, Intent, MessagePosted, Refresh, Reply, Say
from handlers.console.codec import clean, render

PLATFORM = "console"
WORKSPACE = "local"
QUIT = {"/quit", "/exit"}

DID_YOU_MEAN = (
    "Did you mean /{text}? Commands start with /; nothing was added. "
    "To add this line as an idea, type /idea {text}"
)

ReadLine = Callable[[], Awaitable[str | None]]


class ConsoleChat:
    """One person in one console channel."""

    def __init__(self, engine: Engine, user: str, channel: str, programme_key: str) -> None:
        self.engine = engine
        self.who = Participant(PLATFORM, user, user)
        self.where = ConversationRef(PLATFORM, WORKSPACE, channel, channel)
        self.programme_key = programme_key

    def context(self) -> Context:
        return Context(self.who, self.where, self.programme_key)

    async def say(self, line: str) -> list[str]:
        """Handle one typed line; returns what the console prints."""
        text = line.strip()
        if not text:
            return []
        intent: Intent
        # Every line is said in the thread of the channel's latest prompt, wherever it was
        # posted from, as a reply in Slack or Teams would be (`idea` and the rest read it too).
        thread = await self.engine.latest_thread(self.programme_key, self.where)
        self.where = replace(self.where, thread_id=thread)
        if text.startswith("/"):
            command = text[1:]
            if command.split(" ", 1)[0].lower() == "howcanwe":
                command = command[len("howcanwe") :]
            intent = Command(command.strip())
        elif self.engine.reads_as_command(text):
            return [DID_YOU_MEAN.format(text=clean(text))]
        elif thread is None:
            return ["(No prompt to reply to yet. Commands start with /, e.g. /help.)"]
        else:
            intent = MessagePosted(text)
        replies = await self.engine.handle(self.context(), intent)
        out = []
        for reply in replies:
            await self._anchor(reply)
            out.append(render(await self._with_card(reply)))
        return out

    async def _with_card(self, reply: Reply) -> Reply:
        """A vote's Refresh carries no card (see `Refresh`): the console shows it as it reads."""
        if isinstance(reply, Refresh) and reply.card is None:
            card = await self.engine.card(self.programme_key, reply.anchor)
            return replace(reply, card=card)
        return reply

    async def _anchor(self, reply: Reply) -> None:
        """Give posted cards a message id, unique across console sessions, and record it: the
        channel's latest prompt is the thread later plain lines reply in, in any session."""
        if isinstance(reply, Say) and reply.anchor is not None:
            message_id = f"m-{uuid.uuid4().hex}"
            await self.engine.posted(self.context(), reply.anchor, message_id)


async def stdin_line() -> str | None:
    line = await asyncio.to_thread(sys.stdin.readline)
    return line or None


async def run(chat: ConsoleChat, read: ReadLine, out: TextIO, interactive: bool) -> None:
    if interactive:
        print(f"howcanwe — {chat.engine.playbook.name}. Type /help; /quit to leave.", file=out)
    while True:
        if interactive:
            print(f"[{chat.where.channel_id}] {chat.who.user_id}> ", end="", file=out, flush=True)
        line = await read()
        if line is None or line.strip().lower() in QUIT:
            break
        for block in await chat.say(line):
            print(block, file=out, flush=True)
            print(file=out)
