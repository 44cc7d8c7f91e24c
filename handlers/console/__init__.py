"""The console channel: the workshop in a terminal, speaking the same grammar as Slack and Teams.
Its floor plan is the platforms' where a role applies (see docs/architecture.md): `listeners`
(typed lines → the core's intents, for `howcanwe chat`), `codec` (replies → terminal text) and
`notifier` (what the clock says unprompted, printed).
"""
