"""The one-page brief: each one made is recorded, so the next says what changed since it."""

from __future__ import annotations

from datetime import timedelta

from bot.core.brief import FIRST_PERIOD, Brief, brief
from bot.core.usecases.planning import emerging_themes
from bot.core.workshop import Workshop


async def make(ws: Workshop, programme: str, route: str, via: str) -> Brief:
    """The brief as of now, recorded as made through `route` (`/plan.pdf`, `export`) on
    credential `via` (`link`, `token`, `cli`); what changed is counted from the brief before,
    or over FIRST_PERIOD for a programme's first."""
    await ws.ready(programme)
    now = ws.clock.now()
    last = await ws.digests.record_brief(programme, now, route, via)
    # Up to and including this moment (what was done just before the download counts in it),
    # from just after the last brief (what that one counted is not counted again).
    moment = timedelta(microseconds=1)
    since = last + moment if last else now - FIRST_PERIOD
    found = await ws.digests.brief_figures(programme, since, now + moment)
    counts = await ws.emerging.tag_counts(programme)
    emerging = [(e, counts.get(e.key, 0)) for e in await emerging_themes(ws, programme)]
    stats = await ws.plan.stats(programme)
    return brief(ws.playbook, found, stats, now, last is None, emerging)
