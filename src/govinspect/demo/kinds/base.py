"""What a planted-kind plugin is (docs/demo-network.md, "Planted kinds as plugins")."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from govinspect.demo.plan import PlanBuilder

Hook = Callable[[PlanBuilder, random.Random], None]


@dataclass(frozen=True)
class KindPlugin:
    """One planted kind, or one family of kinds planted together.

    ``kinds``: every manifest kind the plugin may plant (an entry of any other kind fails the
    build). ``stream``: ``None`` for the plugins of the first releases, which draw from the
    builder's shared random stream in registry order; a name for a plugin with its own stream
    ``random.Random(f"{seed}:{stream}")`` — every new plugin, so that no other page or entry
    moves. Hooks, each called with the builder and the plugin's stream, in registry order:

    - ``before_items``: after the sites' plans, before their items are generated (a plant that
      decides how items are generated: a stale or blank column);
    - ``plant``: after the items are generated, before any page is rendered (most plants);
    - ``after_render``: after every page is rendered (a plant that reads rendered pages, or
      whose entries come last in the manifest).
    """

    name: str
    kinds: tuple[str, ...]
    plant: Hook | None = None
    stream: str | None = None
    before_items: Hook | None = None
    after_render: Hook | None = None

    def rng(self, b: PlanBuilder) -> random.Random:
        return b.rng if self.stream is None else random.Random(f"{b.seed}:{self.stream}")
