"""Analysis (pure): captured pages → page facts → findings, for one round.

The I/O shell (``web.rounds.services``) reads captures from WARC and link checks from the
collector's output and hands them here; nothing in this module touches the network, the disk
or the database, so a round can be re-analysed from stored captures at any time.

The rules are run by the engine (``rules/engine.py``) by scope: page rules on every captured
HTML page as it streams past, site rules once per site over all of its page facts. This module
keeps the names the callers import.
"""

from __future__ import annotations

from govinspect.rules.engine import (
    ATTACHMENT_SUFFIXES,
    Selection,
    analyse_round_pages,
    peer_latency_ms,
)
from govinspect.rules.inputs import PageInput, RoundContext, SiteInput

__all__ = ["ATTACHMENT_SUFFIXES", "PageInput", "RoundContext", "Selection", "SiteInput",
           "analyse_round_pages", "peer_latency_ms"]
