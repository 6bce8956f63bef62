"""The demo network's planted kinds, one plugin per kind or family (docs/demo-network.md,
"Planted kinds as plugins"). ``PLUGINS`` is the registry the builder runs, in this order.

The plugins of the first releases draw from the builder's shared random stream: their order
here is part of the network's bytes (moving one moves every plant after it). A new kind gets
its own stream (``KindPlugin.stream``) and goes at the end, so every page and entry of the
plugins above stays byte-identical.
"""

from __future__ import annotations

from govinspect.demo.kinds import (
    annual_report,
    columns,
    data_release,
    faults,
    footer,
    guide_wording,
    guides,
    identity,
    ipv6,
    lexicon_text,
    links,
    mandatory_columns,
    message_stats,
    messages,
    meta_tags,
    new_media,
    personal_data,
    policy,
    search,
    spam,
    transport,
    undated,
)
from govinspect.demo.kinds.base import KindPlugin

PLUGINS: tuple[KindPlugin, ...] = (
    # shared stream (the first releases), in their planting order
    columns.PLUGIN,
    links.PLUGIN,
    lexicon_text.PLUGIN,
    personal_data.PLUGIN,
    policy.PLUGIN,
    messages.PLUGIN,
    guides.PLUGIN,
    undated.PLUGIN,
    annual_report.PLUGIN,
    footer.PLUGIN,
    meta_tags.PLUGIN,
    spam.PLUGIN,
    transport.PLUGIN,
    identity.PLUGIN,
    faults.PLUGIN,
    # own streams, added later
    search.PLUGIN,
    message_stats.PLUGIN,
    mandatory_columns.PLUGIN,
    guide_wording.PLUGIN,
    data_release.PLUGIN,
    ipv6.PLUGIN,
    new_media.PLUGIN,  # after rendering: its entries come last
)


def declared_kinds(plugins: tuple[KindPlugin, ...] = PLUGINS) -> dict[str, str]:
    """Kind → the name of the plugin that declares it."""
    return {k: p.name for p in plugins for k in p.kinds}
