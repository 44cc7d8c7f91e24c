"""Where a Slack request came from (team, channel, thread, person) and how to answer it there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Context

PLATFORM = "slack"


@dataclass(frozen=True, slots=True)
class Origin:
    """One request's coordinates. `team_id` is the team the payload names until `through` sets
    the authorising installation's key; `thread_ts` is the thread replies go to; `message_ts`
    the message a button was pressed on (updated in place for REPLACE)."""

    team_id: str
    channel_id: str
    user_id: str
    user_name: str = ""
    channel_name: str = ""
    thread_ts: str | None = None
    message_ts: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None

    def context(self, programme_key: str) -> Context:
        who = Participant(PLATFORM, self.user_id, self.user_name)
        where = ConversationRef(
            PLATFORM, self.team_id, self.channel_id, self.channel_name, self.thread_ts
        )
        return Context(who, where, programme_key)

    def named(self, user_name: str) -> Origin:
        return replace(self, user_name=user_name)

    def through(self, authority: Authority) -> Origin:
        """The same request, answered in the programme and channels of the installation that
        authorised it: its token is the one every reply goes out with."""
        return replace(self, team_id=authority.key or self.team_id)


@dataclass(frozen=True, slots=True)
class Authority:
    """The installation bolt authorised a request as (its token answers it): a workspace, or an
    Enterprise Grid organisation for an org-wide install. Its `key` names the installation in
    programme keys (`slack-<key>`) and as the workspace of the channels reached through it."""

    team_id: str = ""
    enterprise_id: str = ""
    org_wide: bool = False

    @property
    def key(self) -> str:
        return self.enterprise_id if self.org_wide else self.team_id


def _team(body: Mapping[str, Any]) -> str:
    team = body.get("team")
    if isinstance(team, Mapping):
        return str(team.get("id") or "")
    return str(body.get("team_id") or team or "")


def from_command(body: Mapping[str, Any]) -> Origin:
    """A slash command (form fields)."""
    return Origin(
        team_id=str(body.get("team_id") or ""),
        channel_id=str(body.get("channel_id") or ""),
        channel_name=_channel_name(str(body.get("channel_name") or "")),
        user_id=str(body.get("user_id") or ""),
        user_name=str(body.get("user_name") or ""),
        response_url=body.get("response_url") or None,
        trigger_id=body.get("trigger_id") or None,
    )


def from_action(body: Mapping[str, Any]) -> Origin:
    """A block_actions payload: a button or menu on a message (or on App Home, no channel).

    An ephemeral message can be neither replied to nor updated: its thread is the one it was
    shown in (none at top level), and it has no message to update in place."""
    user = body.get("user") or {}
    channel = body.get("channel") or {}
    message = body.get("message") or {}
    container = body.get("container") or {}
    message_ts = (
        None if container.get("is_ephemeral") else message.get("ts") or container.get("message_ts")
    )
    return Origin(
        team_id=_team(body) or str(user.get("team_id") or ""),
        channel_id=str(channel.get("id") or container.get("channel_id") or ""),
        channel_name=_channel_name(str(channel.get("name") or "")),
        user_id=str(user.get("id") or ""),
        user_name=str(user.get("name") or user.get("username") or ""),
        thread_ts=message.get("thread_ts") or container.get("thread_ts") or message_ts,
        message_ts=message_ts,
        response_url=body.get("response_url") or None,
        trigger_id=body.get("trigger_id") or None,
    )


def from_view(
    body: Mapping[str, Any], channel_id: str, channel_name: str, thread_ts: str | None
) -> Origin:
    """A view_submission: the modal itself says (in its metadata) where it was opened from."""
    user = body.get("user") or {}
    return Origin(
        team_id=_team(body) or str(user.get("team_id") or ""),
        channel_id=channel_id,
        channel_name=channel_name,
        user_id=str(user.get("id") or ""),
        user_name=str(user.get("name") or user.get("username") or ""),
        thread_ts=thread_ts,
    )


def from_event(body: Mapping[str, Any], event: Mapping[str, Any]) -> Origin:
    """An Events API callback: a message, a mention, App Home opened."""
    return Origin(
        team_id=str(body.get("team_id") or event.get("team") or ""),
        channel_id=str(event.get("channel") or ""),
        user_id=str(event.get("user") or ""),
        thread_ts=event.get("thread_ts") or None,
    )


def _channel_name(name: str) -> str:
    """Slack says `directmessage` / `privategroup` for conversations whose name it hides."""
    return "" if name in ("directmessage", "privategroup") else name
