"""The Microsoft Teams edge: Bot Framework activities at /api/messages, Adaptive Cards out. Every
platform package has the same floor plan (see docs/architecture.md):

- `mount`: the /api/messages route and the outbound wiring the composition root calls (`mount`,
  `outbound`)
- `listeners`: botbuilder's activity handler, activities → the core's intents, and the flows it
  runs (decide and commit, answer Teams, then reply)
- `origin`: who spoke, where (tenant, conversation, reply chain)
- `codec`: neutral cards ↔ Adaptive Cards, and activities → intents
- `delivery`: replies out through the Bot Connector (posts, replies, updates, retries)
- `notifier`: the core's `Notifier` port (unprompted notices, cards rewritten from elsewhere)

Teams' own extras: `auth` (who may call the endpoint, and where the bot may answer), `connector`
(the Bot Connector calls), `package` (the app package for upload), `wire` (the JSON on the wire).
"""
