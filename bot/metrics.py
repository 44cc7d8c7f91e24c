"""The figures an operator watches, as Prometheus metrics (prometheus-client's default registry).

Edges, storage and the clock count here; the core never imports this module (its work is seen
where it meets the edges and storage). `GET /metrics` on the web process, and on the clock
process's own port, serves them (handlers/web/metrics.py, which also times the platforms' requests).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# A `_created` series beside every counter and histogram doubles the output for nothing.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus-client leaves it untyped

# Slack retries a request it got no answer to within 3 s: the buckets straddle that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

ACKS = Counter(
    "howcanwe_acks",
    "Requests from Slack and Teams answered, by platform and HTTP status",
    ["platform", "status"],
)
ACK_SECONDS = Histogram(
    "howcanwe_ack_seconds",
    "Seconds from a Slack or Teams request's arrival to its answer (Slack gives up at 3 s)",
    ["platform"],
    buckets=ACK_BUCKETS,
)
BALLOTS = Counter(
    "howcanwe_ballots",
    "Votes and unvotes decided and committed, by outcome (cast: a vote stored)",
    ["outcome"],
)
BATCH_SIZE = Histogram(
    "howcanwe_batch_size",
    "Items written together in one transaction, by queue",
    ["queue"],
    buckets=BATCH_BUCKETS,
)
QUEUE_DEPTH = Gauge(
    "howcanwe_queue_depth",
    "Work waiting: votes for their batch, card updates coalesced, replies still being sent",
    ["queue"],
)
RETRIES = Counter(
    "howcanwe_retries",
    "Calls to Slack or Teams tried again, by platform and why (throttled: 429; server: 5xx)",
    ["platform", "reason"],
)
DIGESTS = Counter(
    "howcanwe_digests",
    "Scheduled digests finished, by outcome: sent, failed (tried again), gone (stopped)",
    ["outcome"],
)
NUDGES = Counter(
    "howcanwe_nudges",
    "Reminders and notes finished, by kind and outcome: sent, failed (tried again), gone, "
    "muted, expired (quiet hours outlasted them), deferred (quiet hours)",
    ["kind", "outcome"],
)
CLOCK_TICKS = Counter(
    "howcanwe_clock_ticks", "Clock jobs run, by job and result", ["job", "result"]
)
CLOCK_LAST_TICK = Gauge(
    "howcanwe_clock_last_tick_timestamp_seconds", "When the clock last ran its digest job"
)
