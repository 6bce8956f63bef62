"""The planted kinds are plugins (demo/kinds, docs/demo-network.md "Planted kinds as
plugins"): every kind the evaluation knows has one, a plugin plants only the kinds it
declares, and every declared kind is planted somewhere."""

from __future__ import annotations

import pytest

from govinspect.demo import kinds
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.network import build_network
from govinspect.demo.plan import UndeclaredKindError
from govinspect.eval.demo import load_kinds


def test_every_kind_of_demo_kinds_yaml_has_a_plugin():
    declared = kinds.declared_kinds()
    missing = sorted(set(load_kinds()) - set(declared))
    assert not missing, f"demo_kinds.yaml kinds that no plugin in demo/kinds plants: {missing}"


def test_a_kind_and_a_plugin_name_are_declared_once():
    names = [p.name for p in kinds.PLUGINS]
    assert len(names) == len(set(names))
    seen: dict[str, str] = {}
    for p in kinds.PLUGINS:
        assert p.kinds, p.name
        for k in p.kinds:
            assert k not in seen, f"{k!r} declared by both {seen[k]!r} and {p.name!r}"
            seen[k] = p.name


def test_own_stream_plugins_come_after_the_shared_stream_ones():
    """A plugin added later draws from its own stream and goes after the first releases', so
    the pages and entries of the shared stream stay byte-identical."""
    streams = [p.stream for p in kinds.PLUGINS if p.plant is not None]
    first_own = next(i for i, s in enumerate(streams) if s is not None)
    assert all(s is not None for s in streams[first_own:]), streams
    own = [s for s in streams if s is not None]
    assert len(own) == len(set(own))


def test_every_declared_kind_is_planted_and_only_by_its_plugin():
    """The network ``govinspect demo`` builds (TLS, IPv6, faults) plants every declared kind;
    a build fails on any entry of a kind its plugin does not declare, so getting here also
    proves that none did."""
    net = build_network(https_port=443, ipv6=True)
    planted = {e["kind"] for e in net.manifest}
    assert sorted(set(kinds.declared_kinds()) - planted) == []


@pytest.mark.parametrize("hook", ["plant", "before_items", "after_render"])
def test_a_plugin_planting_an_undeclared_kind_fails_the_build(monkeypatch, hook):
    def rogue(b, rng):
        b.entry("not_declared", "W-V1", b.plans[0], b.plans[0].site.homepage)

    plugin = KindPlugin("rogue", kinds=("something_else",), stream="rogue", **{hook: rogue})
    monkeypatch.setattr(kinds, "PLUGINS", (*kinds.PLUGINS, plugin))
    with pytest.raises(UndeclaredKindError, match="'rogue' plants 'not_declared'"):
        build_network(sites=2, scale=0.1, faults=False)


def test_a_kind_taken_from_another_plugin_fails_the_build(monkeypatch):
    """A plugin cannot plant another plugin's kind either: the kind is checked against the
    plugin that is planting, not against the registry."""
    def rogue(b, rng):
        b.entry("typo", "W-V1", b.plans[0], b.plans[0].site.homepage)

    plugin = KindPlugin("rogue", kinds=("something_else",), plant=rogue, stream="rogue")
    monkeypatch.setattr(kinds, "PLUGINS", (*kinds.PLUGINS, plugin))
    with pytest.raises(UndeclaredKindError, match="'rogue' plants 'typo'"):
        build_network(sites=2, scale=0.1, faults=False)


def test_a_new_plugin_with_its_own_stream_moves_nothing(monkeypatch):
    """The documented way to add a kind (docs/demo-network.md): a plugin with its own stream
    at the end of the registry adds its entries and leaves every page and entry as it was."""
    before = build_network(sites=3, scale=0.1, faults=False)

    def extra(b, rng):
        plan = b.plans[rng.randrange(len(b.plans))]
        b.entry("example_kind", None, plan, plan.site.homepage, scope="site")

    plugin = KindPlugin("example", kinds=("example_kind",), plant=extra, stream="example")
    monkeypatch.setattr(kinds, "PLUGINS", (*kinds.PLUGINS, plugin))
    after = build_network(sites=3, scale=0.1, faults=False)
    assert after.pages.keys() == before.pages.keys()
    assert all(after.pages[k].body == before.pages[k].body for k in before.pages)
    assert [e for e in after.manifest if e["kind"] != "example_kind"] == list(before.manifest)
    assert len(after.manifest.select(kind="example_kind")) == 1
