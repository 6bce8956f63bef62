"""Alerts: events from probes, rounds and rectification deadlines, an outbox of deliveries
(persisted, retried, idempotent) to 企业微信/钉钉 group robots and e-mail, and per-recipient
daily digests (docs/alerts.md). The pure part is ``govinspect.core.alerts``."""
