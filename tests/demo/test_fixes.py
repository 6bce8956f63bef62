"""The demo's fix switch: planted problems served corrected, over real sockets."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from govinspect.demo.fixes import FIXABLE_KINDS, FixError, corrected_pages
from govinspect.demo.network import build_network
from govinspect.demo.server import choose_port, serve_network


def _get(server, url: str) -> bytes:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(server.resolve[parts.hostname], server.port, timeout=10)
    try:
        conn.request("GET", parts.path or "/", headers={"Host": parts.hostname})
        response = conn.getresponse()
        assert response.status == 200
        return response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def net():
    return build_network(seed=20220630, sites=1, scale=0.1, port=choose_port(), faults=False)


def test_every_fixable_plant_of_a_network_is_corrected(net):
    entries = [e for e in net.manifest if e["kind"] in FIXABLE_KINDS and not e.get("negative")]
    assert {e["kind"] for e in entries} >= {"dead_link_404", "dead_link_dns", "typo",
                                            "personal_id"}
    for entry in entries:
        pages = corrected_pages(net, [entry])
        (key, page), = pages.items()
        before = net.lookup(*key).text()
        after = page.text()
        if entry["kind"].startswith("dead_link"):
            path = urlsplit(entry["url"]).path
            assert path in before and path not in after
            assert len(before) - len(after) < 600  # the link, not the page, went
        else:
            assert entry["text"] in before and entry["text"] not in after


def test_fixes_on_one_page_compose_and_bad_entries_are_refused(net):
    home = [e for e in net.manifest if e.get("on_homepage")]
    assert len(home) >= 2
    pages = corrected_pages(net, home)
    assert len(pages) == 1  # all on the homepage
    html = next(iter(pages.values())).text()
    assert not [e for e in home if urlsplit(e["url"]).path in html]
    with pytest.raises(FixError):
        corrected_pages(net, [{"kind": "stale_news_column", "url": net.sites[0].homepage}])
    with pytest.raises(FixError):
        corrected_pages(net, [{**home[0], "parent_url": net.sites[0].homepage + "nowhere/"}])


def test_the_server_serves_the_fixed_page_until_unfixed(net):
    typo = net.manifest.select(kind="typo")[0]
    encoding = net.get(typo["url"]).encoding
    wrong, right = typo["text"].encode(encoding), typo["correct"].encode(encoding)
    with serve_network(net) as server:
        assert wrong in _get(server, typo["url"])
        server.fix(typo)
        fixed = _get(server, typo["url"])
        assert wrong not in fixed and right in fixed
        server.unfix()
        assert wrong in _get(server, typo["url"])


def test_a_saved_demo_network_is_served_again_and_fixed_from_another_process(tmp_path):
    """What `make demo` leaves (network/build.json) is served again by `govinspect serve`;
    `govinspect demo-fix` flips the switch through network/fixed.json."""
    from datetime import datetime

    from click.testing import CliRunner

    from govinspect.cli import main
    from govinspect.demo.workspace import save_build, serve_saved

    kwargs = dict(seed=20220630, sites=1, scale=0.1, faults=False, port=choose_port(),
                  https_port=None, ipv6=False, t=datetime.fromisoformat("2022-06-30T17:00+08:00"))
    build_network(**kwargs).write(tmp_path / "network")
    save_build(tmp_path, **kwargs)
    server = serve_saved(tmp_path)
    try:
        net = server.net
        typo = net.manifest.select(kind="typo")[0]
        wrong = typo["text"].encode(net.get(typo["url"]).encoding)
        assert wrong in _get(server, typo["url"])
        run = CliRunner().invoke(main, ["demo-fix", "--out", str(tmp_path), "--site",
                                        typo["site"], "--kind", "text"])
        assert run.exit_code == 0, run.output
        assert "已修正" in run.output
        assert wrong not in _get(server, typo["url"])
        run = CliRunner().invoke(main, ["demo-fix", "--out", str(tmp_path), "--reset"])
        assert run.exit_code == 0, run.output
        assert wrong in _get(server, typo["url"])
    finally:
        server.close()
    run = CliRunner().invoke(main, ["demo-fix", "--out", str(tmp_path / "nowhere")])
    assert run.exit_code != 0 and "make demo" in run.output
