"""Web handlers: the health check, the Prometheus metrics, and the read-only web view of the plan
(pages, charts, downloads). No platform speaks here, so of the platforms' floor plan (see
docs/architecture.md) only the mounting applies: `pages.register`, `health.register` and
`metrics.register` add the routes.
"""
