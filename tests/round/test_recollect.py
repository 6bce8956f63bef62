"""`round run --recollect SITE…` (issue 14 item 4): the named sites are crawled again and
replace their earlier captures; the other sites are neither visited nor changed; the analysis
runs again and the round can be reported."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from network import DOWN, HOSTS, UP, _page

from govinspect.collect.store import capture_record, read_capture_body, read_capture_lines

pytestmark = pytest.mark.slow


def _hits(net, host: str) -> int:
    return sum(n for (_, h, _p), n in net.server.hits.items() if h == host)


def _rows(collect) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in read_capture_lines(collect):
        out.setdefault(row["site_code"], []).append(row)
    return out


def test_recollect_one_site(small_network, tmp_path):
    net = small_network
    net.gi("round", "create", "R1", "--t", "2022-06-30T17:00")
    net.run_round("R1")
    collect = net.workspace / "rounds" / "R1" / "collect"
    before = _rows(collect)
    other = _hits(net, HOSTS[UP[1]])

    # site 1 publishes a new page between the crawl and the re-collection
    host = HOSTS[UP[0]]
    net.server.html(host, "/", _page(f"{host} 首页", ["/news/1.html", "/news/2.html",
                                                      "/news/3.html"]))
    net.server.html(host, "/news/3.html", _page("新闻3", ["/"], "2022-06-29 新发布的通知。"))

    refused = net.run_round("R1", "--recollect", "3499999999", check=False)
    assert refused.returncode != 0 and "3499999999" in refused.stderr

    again = net.run_round("R1", "--recollect", UP[0])
    assert "重新采集完成" in again.stdout and "分析完成" in again.stdout, again.stdout
    assert _hits(net, HOSTS[UP[1]]) == other  # the other site was not visited
    assert net.server.requested(host, "/news/3.html") >= 1

    after = _rows(collect)
    assert after[UP[1]] == before[UP[1]] and after.get(DOWN) == before.get(DOWN)
    urls = [r["url"] for r in after[UP[0]]]
    assert len(urls) == len(set(urls)) == len(before[UP[0]]) + 1
    assert any(u.endswith("/news/3.html") for u in urls)
    for row in after[UP[0]]:  # every new capture reads back from the archive
        assert row["warc_file"].startswith("govinspect-r01-")
        _, body = read_capture_body(collect, capture_record(row))
        assert body.startswith(b"<html>")
    summary = json.loads((collect / "summary.json").read_text(encoding="utf-8"))
    assert summary["sites"][UP[0]]["pages"] == len(before[UP[0]]) + 1
    assert summary["pages_total"] == sum(len(v) for v in after.values())
    assert not (net.workspace / "rounds" / "R1" / "recollect.json").exists()

    out = tmp_path / "out"
    net.gi("report", "--round", "R1", "--out", str(out))  # not a draft: every stage done
    pages = {s["code"]: s["pages"] for s in
             json.loads((out / "summary.json").read_text(encoding="utf-8"))["sites"]}
    assert pages[UP[0]] == len(before[UP[0]]) + 1 and pages[UP[1]] == len(before[UP[1]])

    # a second re-collection gets its own archive files; nothing is counted twice
    net.run_round("R1", "--recollect", f"{UP[0]},{DOWN}")
    rows = _rows(collect)
    assert Counter(r["url"] for v in rows.values() for r in v).most_common(1)[0][1] == 1
    assert {r["warc_file"].split("-")[1] for r in rows[UP[0]]} == {"r02"}
    assert rows[UP[1]] == before[UP[1]]

    # an interrupted re-collection (its state left behind) is finished by the next plain run
    # before anything else; a different one is refused meanwhile
    state = net.workspace / "rounds" / "R1" / "recollect.json"
    state.write_text(json.dumps({"sites": [UP[1]], "tag": "r03"}), encoding="utf-8")
    other = net.run_round("R1", "--recollect", UP[0], check=False)
    assert other.returncode != 0 and "尚未完成" in other.stderr
    resumed = net.run_round("R1")
    assert f"继续上次未完成的重新采集：{UP[1]}" in resumed.stdout and "分析完成" in resumed.stdout
    assert not state.exists()
    rows = _rows(collect)
    assert {r["warc_file"].split("-")[1] for r in rows[UP[1]]} == {"r03"}
    assert len(rows[UP[1]]) == len(before[UP[1]])
