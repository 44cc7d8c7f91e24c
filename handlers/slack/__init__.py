"""The Slack edge: bolt on the one aiohttp app at POST /slack/events (or Socket Mode), Block Kit
out. Every platform package has the same floor plan (see docs/architecture.md):

- `mount`: the routes and the outbound wiring the composition root calls (`mount`, `outbound`)
- `listeners`: bolt's listeners, Slack payloads → the core's intents
- `flows`: the per-process state the listeners share and the flows they run (decide and commit,
  ack, then reply)
- `origin`: who spoke, where (team, channel, thread), and the installation that answers
- `codec`: neutral cards ↔ Block Kit, and payloads → intents
- `delivery`: replies out (posts, ephemeral notes, modals, coalesced updates)
- `notifier`: the core's `Notifier` port (unprompted notices, cards rewritten from elsewhere)

Slack's own extras: `inbound` (signature and shape checks), `oauth` and `installs` (OAuth
installs), `scopes` (the bot scopes the app asks for), `tenancy` (which programme an installation
plays in), `webapi` (the Web API client,
its retries and pacing), `background` (work after the ack, tracked for shutdown).
"""
