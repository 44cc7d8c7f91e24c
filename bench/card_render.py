"""What a big card costs to render: the `my data` card of a participant with 300 ideas, 300
votes, 100 flags and 100 hopes, every text at its longest, as Slack blocks and as an Adaptive
Card. Rendering runs on the event loop, so a slow one stalls every other request.

    .venv/bin/python -m bench.card_render [--rounds 3]

Prints, per kind of text (plain letters, markup that must be escaped, emoji outside the BMP),
the median milliseconds for Slack's message, Slack's App Home view and Teams' card, next to the
baseline measured in the same run: the same card flattened to plain text (`Card.as_text`), which
neither escapes nor fits anything. The ratio is what to compare between machines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bot.core import moderation_cards
from bot.core.domain import Participant, PersonalData
from bot.core.workshop import MAX_IDEA_CHARS
from handlers.slack import codec as slack_codec
from handlers.teams import codec as teams_codec

TEXTS = {"plain": "abc ", "markup": "&<>*_", "emoji": "🌍"}


def _longest(unit: str, limit: int) -> str:
    return (unit * (limit // len(unit) + 1))[:limit]


def biggest_data(unit: str) -> PersonalData:
    """Everything stored about one very active participant, every text at its longest."""
    idea, reason = _longest(unit, MAX_IDEA_CHARS), _longest(unit, 500)
    return PersonalData(
        Participant("slack", "U1", _longest(unit, 256)),
        tuple({"id": n, "theme": "t", "created_at": "2026", "text": idea} for n in range(300)),
        tuple({"idea": n, "audience": "a", "cast_at": "2026"} for n in range(300)),
        tuple({"idea": n, "flagged_at": "2026", "reason": reason} for n in range(100)),
        tuple({"kind": "hope", "id": f"h{n}", "at": "2026", "text": reason} for n in range(100)),
    )


def median_ms(render: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(f"{'text':8} {'as_text':>9} {'slack msg':>10} {'slack home':>11} {'teams':>9}  ratio")
    for name, unit in TEXTS.items():
        card = moderation_cards.data_card(biggest_data(unit), True)
        baseline = median_ms(card.as_text, rounds)
        slack = median_ms(lambda: slack_codec.message(card), rounds)  # noqa: B023
        home = median_ms(lambda: slack_codec.home_view(card), rounds)  # noqa: B023
        teams = median_ms(lambda: teams_codec.card(card), rounds)  # noqa: B023
        worst = max(slack, home, teams) / max(baseline, 1e-3)
        print(
            f"{name:8} {baseline:8.1f}ms {slack:9.1f}ms {home:10.1f}ms {teams:8.1f}ms  "
            f"{worst:5.0f}×"
        )


if __name__ == "__main__":
    main()
