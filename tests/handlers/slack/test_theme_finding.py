"""`themes emerging` in Slack, end to end: the command's private card with Confirm and Drop
buttons, a click on the ephemeral, the confirmed theme in `emerging` and on the web view's plan."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from bot.config import Settings, WebSettings
from bot.core.domain import ProposedTheme
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.test_facilitation import buttons, command, ephemeral_press
from tests.handlers.slack.test_flows import add_idea

IDEAS = (
    "Affordable homes for key workers near the new business parks",
    "Build social housing on empty brownfield sites owned by the council",
    "Community land trusts so local people can own homes they can afford",
)


async def new_proposal(bot: Bot) -> ProposedTheme:
    """The proposal of a new theme (the housing ideas may also fit a playbook's theme)."""
    stored = await bot.services.repo.proposed_themes("default")
    return next(p for p in stored if p.emerging_key is None and 1 in p.numbers)


def listed(numbers: tuple[int, ...]) -> str:
    return ", ".join(f"#{n}" for n in numbers)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The web view on, so `plan` hands organisers a signed link to /plan."""
    web = WebSettings(public_url="https://howcanwe.example.org", dashboard_token="d" * 24)
    return replace(settings, web=web)


async def test_an_organiser_confirms_a_proposed_theme_with_its_button(bot: Bot) -> None:
    ts = await bot.prompt()
    for text in IDEAS:
        await add_idea(bot, ts, text)
    assert await command(bot, "themes emerging", user="U2") == (
        "Only organisers can propose emerging themes. Ask an organiser if you think it's needed."
    )
    before = len(bot.fake.of("response_url"))
    await bot.ok(rq.command("themes emerging", response_url=bot.fake.response_url()))
    await bot.settle()
    (card,) = bot.fake.of("response_url")[before:]
    assert card["response_type"] == "ephemeral"
    proposal = await new_proposal(bot)
    ref, size, tagged = proposal.ref, len(proposal.numbers), listed(proposal.numbers)
    assert f"{ref} · new: {proposal.label} ({size} ideas)" in card["text"]
    confirm = buttons(card)[f"Confirm {ref}"]
    assert (confirm["action_id"], confirm["value"]) == ("theme.confirm", ref)

    await bot.ok(ephemeral_press(confirm, None, "U2", bot.fake.response_url()))
    await bot.settle()
    assert bot.fake.of("response_url")[-1]["text"].startswith("Only organisers can sort")
    await bot.ok(ephemeral_press(confirm, None, "UORG", bot.fake.response_url()))
    await bot.settle()
    said = bot.fake.of("response_url")[-1]
    assert said["response_type"] == "ephemeral"
    assert f"Emerging theme “{proposal.label}” confirmed ({ref}): {tagged} tagged" in said["text"]

    shown = await command(bot, "emerging", user="U2")
    assert f"{proposal.label} ({size} ideas)" in shown and IDEAS[0] in shown
    plan = await command(bot, "plan")
    link = re.search(r"https://howcanwe\.example\.org(/plan\?[^|>\s]+)", plan)
    assert link is not None, plan
    page = await bot.http.get(html.unescape(link[1]))
    assert page.status == 200
    page_text = html.unescape(await page.text())
    key = re.sub(r"[^a-z]+", "-", proposal.label.lower()).strip("-")
    assert f'data-emerging="{key}"' in page_text and f"<h3>{proposal.label}</h3>" in page_text
    assert IDEAS[0] in page_text.split(f'data-emerging="{key}"')[1]
    await bot.ok(ephemeral_press(confirm, None, "UORG", bot.fake.response_url()))
    await bot.settle()
    again = bot.fake.of("response_url")[-1]["text"]
    assert again == f"{ref} is already confirmed. Nothing changed."
