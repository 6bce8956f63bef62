"""The demo network: determinism, size, and the manifest checked against the pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest

from govinspect.core.types import SiteKind
from govinspect.demo import attachments as att
from govinspect.demo.network import T_DEFAULT, DemoError, build_network, id_check_char

from .walk import fetch, links_of, walk


def _fingerprint(net):
    return {k: (p.status, p.content_type, p.headers, p.body) for k, p in net.pages.items()}


def test_same_seed_gives_identical_bytes(small_net):
    again = build_network(seed=20220630, sites=5, scale=0.2, port=80, faults=False)
    assert _fingerprint(again) == _fingerprint(small_net)
    assert again.manifest_json() == small_net.manifest_json()
    assert again.roster_csv() == small_net.roster_csv()


def test_other_seed_or_port_changes_the_network(small_net):
    other = build_network(seed=7, sites=5, scale=0.2, port=80, faults=False)
    assert other.manifest_json() != small_net.manifest_json()
    assert {k: p.body for k, p in other.pages.items()} != {
        k: p.body for k, p in small_net.pages.items()}
    moved = build_network(seed=20220630, sites=5, scale=0.2, port=8080, faults=False)
    home = moved.lookup("www.shishi.gov.cn", "/").text()
    assert "http://fgw.shishi.gov.cn:8080/" in home
    assert "http://fgw.shishi.gov.cn/" not in home


def test_default_network_shape(full_net):
    kinds = [s.kind for s in full_net.sites]
    assert len(full_net.sites) == 53
    assert kinds.count(SiteKind.PORTAL) == 9
    assert kinds.count(SiteKind.DEPARTMENT) == 42
    assert kinds.count(SiteKind.SPECIAL) == 2
    assert len({s.code for s in full_net.sites}) == 53
    assert all(re.fullmatch(r"\d{10}", s.code) for s in full_net.sites)
    assert len({s.ip for s in full_net.sites}) == 53
    html_pages = {}
    for (host, path), page in full_net.pages.items():
        if page.status == 200 and page.content_type.startswith("text/html") \
                and not path.endswith("/index.html"):
            html_pages[host] = html_pages.get(host, 0) + 1
    per_site = [html_pages[s.host] for s in full_net.sites]
    assert min(per_site) >= 150 and max(per_site) <= 450, per_site
    assert len(full_net.accounts) == 229  # new media: demo.accounts


def test_small_network_is_small(small_net):
    assert len(small_net.sites) == 5
    assert {s.kind for s in small_net.sites} == set(SiteKind)
    broken, crawled = walk(small_net)
    for site in small_net.sites:
        n = sum(1 for u in crawled if urlsplit(u).hostname == site.host
                and not re.search(r"\.(png|jpg|pdf|docx|xlsx|xls|css)$", u))
        assert 30 <= n <= 110, (site.host, n)  # portals: + the 5 P1 columns


def test_at_least_30_problem_kinds(full_net):
    kinds = full_net.manifest.kinds()
    assert len(kinds) >= 30, sorted(kinds)
    for k in ("dead_link_404", "dead_link_dns", "dead_link_attachment", "dead_link_image",
              "dead_link_soft404", "dead_link_redirect_loop", "availability_flaky",
              "slow_site", "crawler_trap"):
        assert k in kinds
    assert {"lookalike_masked_mobile", "lookalike_bad_checksum_id", "lookalike_landline",
            "lookalike_doc_number"} <= full_net.manifest.kinds(negative=True)


def test_clean_small_network_breaks_exactly_the_planted_links(small_net):
    broken, _ = walk(small_net)
    planted = small_net.manifest.select(indicator="W-D22")
    assert {e["kind"] for e in planted} == {
        "dead_link_404", "dead_link_dns", "dead_link_attachment", "dead_link_image",
        "dead_link_soft404", "dead_link_redirect_loop"}
    assert any(e["on_homepage"] for e in planted) and not all(e["on_homepage"] for e in planted)
    assert broken == {(e["parent_url"], e["url"]) for e in planted}
    assert len(planted) == len(broken)  # once per (parent, target)


@pytest.mark.slow
def test_default_network_breaks_exactly_the_planted_links():
    net = build_network(seed=20220630, faults=False)
    broken, _ = walk(net)
    assert broken == {(e["parent_url"], e["url"]) for e in net.manifest.select(indicator="W-D22")}


def test_dead_links_fail_as_planted(full_net):
    expected = {"dead_link_404": "404", "dead_link_dns": "dns", "dead_link_attachment": "404",
                "dead_link_image": "404", "dead_link_soft404": "soft404",
                "dead_link_redirect_loop": "redirect_loop"}
    for e in full_net.manifest.select(indicator="W-D22"):
        parent = full_net.get(e["parent_url"])
        assert parent is not None and parent.status == 200
        assert e["url"] in links_of(parent, e["parent_url"])
        assert fetch(full_net, e["url"])[0] == expected[e["kind"]], e
        assert e["on_homepage"] == (e["parent_url"] == full_net.site_by_code(e["site"]).homepage)


def test_every_manifest_url_is_served_and_every_span_is_exact(full_net):
    dead = {e["url"] for e in full_net.manifest.select(indicator="W-D22")}
    spans = 0
    for e in full_net.manifest.select(negative=None):
        if e["url"] in dead:
            continue
        page = full_net.get(e["url"])
        if e["kind"] == "crawler_trap":
            page = full_net.get(e["url_prefix"] + "2022-06")
        assert page is not None and page.status == 200, e
        if "span" in e:
            text = page.text()
            assert text[e["span"]["start"]:e["span"]["end"]] == e["text"], e
            spans += 1
        if "attachment_type" in e:
            assert e["text"] in att.text_of(e["attachment_type"], page.body), e
            assert e["url"] in links_of(full_net.get(e["parent_url"]), e["parent_url"])
    assert spans > 50


def test_personal_data_and_lookalikes(full_net):
    for e in full_net.manifest.select(kind="personal_id") + full_net.manifest.select(
            kind="personal_id_in_attachment"):
        assert id_check_char(e["text"][:17]) == e["text"][17]
    for e in full_net.manifest.select(kind="lookalike_bad_checksum_id", negative=True):
        assert re.fullmatch(r"\d{17}[\dX]", e["text"]) and id_check_char(e["text"][:17]) != e["text"][17]
    for e in full_net.manifest.select(kind="lookalike_masked_mobile", negative=True):
        assert re.fullmatch(r"1\d\d\*{4}\d{4}", e["text"])
    for e in full_net.manifest.select(kind="mobile_number"):
        assert re.fullmatch(r"1[3-9]\d{9}", e["text"])


DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
THRESHOLD_DAYS = {"zwyw": 14, "gzdt": 14, "tzgg": 183, "zcwj": 183, "zcjd": 183, "rsxx": 365,
                  "bstj": 90, "zxzx": 61}


def _latest(page) -> datetime | None:
    dates = DATE.findall(page.text().split('<div class="main', 1)[1])
    return max((datetime.fromisoformat(d).replace(tzinfo=T_DEFAULT.tzinfo) for d in dates),
               default=None)


def test_stale_and_blank_columns_are_exactly_the_planted_ones(full_net):
    t = T_DEFAULT
    stale, blank, homepage_stale = set(), set(), set()
    for site in full_net.sites:
        for (host, path), page in full_net.pages.items():
            m = re.fullmatch(r"/(\w+)/(\w+)/", path)
            if host != site.host or not m or m.group(2) not in THRESHOLD_DAYS | {
                    "dczj": 0, "zxft": 0, "ghjh": 0}:
                continue
            url = full_net.url(host, path)
            latest = _latest(page)
            if latest is None:
                blank.add(url)
            elif m.group(2) in THRESHOLD_DAYS and \
                    latest < t - timedelta(days=THRESHOLD_DAYS[m.group(2)]):
                stale.add(url)
        if _latest(full_net.get(site.homepage)) < t - timedelta(days=14):
            homepage_stale.add(site.homepage)
    m = full_net.manifest
    assert stale == {e["url"] for e in m if e["kind"].startswith("stale_")}
    assert blank == {e["url"] for e in m if e["kind"].startswith("blank_column")}
    assert homepage_stale == {e["url"] for e in m.select(kind="homepage_stale")}


def test_interpretations_link_both_ways_except_where_planted(full_net):
    oneway = {e["document_url"] for e in full_net.manifest.select(kind="interpretation_oneway_link")}
    missing = {e["url"] for e in full_net.manifest.select(kind="policy_without_interpretation")}
    soft404 = {e["url"] for e in full_net.manifest.select(kind="dead_link_soft404")}
    checked = 0
    for site in full_net.sites[:10]:
        for (host, path), _page in full_net.pages.items():
            if host != site.host or not re.fullmatch(r"/zwgk/zcwj/\d{6}/t\d+_\d+\.html", path):
                continue
            url = full_net.url(host, path)
            if url in soft404:
                continue
            doc = full_net.get(url)
            to_interp = [u for u in links_of(doc, url) if "/zwgk/zcjd/" in u]
            if url in oneway or url in missing:
                assert not to_interp
                continue
            assert len(to_interp) == 1, url
            back = links_of(full_net.get(to_interp[0]), to_interp[0])
            assert url in back
            checked += 1
    assert checked > 20


def test_pages_carry_footer_meta_and_encodings(full_net):
    no_meta = {e["site"] for e in full_net.manifest.select(kind="meta_tags_missing")
               if e["scope"] == "site"}
    portal = full_net.sites[0]
    home = full_net.get(portal.homepage).text()
    for needle in ("党政机关网站标识", f"网站标识码：{portal.code}", "ICP备", "公网安备",
                   "主办单位：", "联系电话：", "我为政府网站找错",
                   '<meta name="SiteIDCode" content="3411000001">'):
        assert needle in home
    assert portal.code not in no_meta
    gbk = [s for s in full_net.sites if s.encoding == "gbk"]
    assert gbk and len(gbk) < len(full_net.sites) / 2
    page = full_net.get(gbk[0].homepage)
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    assert gbk[0].name in page.body.decode("gbk")
    wrong = full_net.manifest.select(kind="charset_wrong")
    assert wrong and "charset=utf-8" in full_net.get(wrong[0]["url"]).content_type


def test_attachments_open_in_the_usual_readers(full_net):
    seen = set()
    for (_host, path), page in sorted(full_net.pages.items()):
        ext = path.rsplit(".", 1)[-1]
        if ext in ("pdf", "docx", "xlsx", "xls") and ext not in seen:
            assert att.text_of(ext, page.body).strip()
            seen.add(ext)
    assert seen == {"pdf", "docx", "xlsx", "xls"}


def test_write_outputs_files_manifest_and_roster(small_net, tmp_path):
    out = small_net.write(tmp_path / "demo")
    roster = (out / "roster.csv").read_text(encoding="utf-8").splitlines()
    assert roster[0] == "网站标识码,网站名称,首页网址,网站类型,主办单位,所属地区,其他域名"
    assert len(roster) == 1 + len(small_net.sites)
    assert '"entries"' in (out / "manifest.json").read_text(encoding="utf-8")
    home = out / "site" / "www.shishi.gov.cn" / "index.html"
    assert home.read_bytes() == small_net.get("http://www.shishi.gov.cn/").body
    small_net.write(tmp_path / "demo")  # replacing works
    assert not (tmp_path / "demo.old").exists()


def test_write_outputs_the_local_leaders_roster(small_net, tmp_path):
    import yaml

    from govinspect.demo.network import LOCAL_LEADERS_FILE

    out = small_net.write(tmp_path / "demo")
    body = (out / LOCAL_LEADERS_FILE).read_bytes()
    assert body == small_net.files[LOCAL_LEADERS_FILE]  # deterministic, part of the network
    again = build_network(seed=20220630, sites=5, scale=0.2, port=80, faults=False)
    assert again.files[LOCAL_LEADERS_FILE] == body
    leaders = yaml.safe_load(body)["leaders"]
    units = {s.unit for s in small_net.sites}
    assert {le["unit"] for le in leaders} == units
    assert len({le["name"] for le in leaders}) == len(leaders)  # one city, no namesakes
    heads = [le for le in leaders if le["title"] in ("市长", "局长", "主任", "区长", "县长")]
    assert len(heads) >= len(units)


def _paragraph(net, e):
    text = net.get(e["url"]).text()
    lo = text.rfind(">", 0, e["span"]["start"]) + 1
    return text[lo:text.find("<", e["span"]["end"])], e["span"]["start"] - lo


def test_planted_leader_errors_are_errors_against_the_written_roster(full_net, tmp_path):
    """The ground truth is checkable: the roster an office would keep flags exactly the
    planted string (and the right leader's name or title is the suggestion)."""
    from govinspect.lexicons.engine import load_lexicon

    out = full_net.write(tmp_path / "demo")
    lex = load_lexicon([out / "lexicons"], shipped=False)
    entries = (full_net.manifest.select(kind="wrong_leader_name")
               + full_net.manifest.select(kind="wrong_leader_title"))
    assert entries
    for e in entries:
        para, at = _paragraph(full_net, e)
        found = [(para[m.start:m.end], m.start, m.term.right) for m in lex.find(para)]
        assert found == [(e["text"], at, e["correct"])], (e, para)


def test_planted_mobiles_are_leaks_by_the_privacy_rule(full_net):
    """A personal mobile in a 公示 of private persons (not a notice's work contact)."""
    from govinspect.rules.privacy import find_leaks

    mobiles = full_net.manifest.select(kind="mobile_number")
    assert mobiles
    for e in mobiles:
        para, at = _paragraph(full_net, e)
        assert [(k, s) for k, s, _, _ in find_leaks(para)] == [("手机号", at)], para
    for e in full_net.manifest.select(kind="mobile_in_attachment"):
        text = att.text_of(e["attachment_type"], full_net.get(e["url"]).body)
        assert [k for k, s, end, _ in find_leaks(text) if text[s:end] == e["text"]] == ["手机号"]


def test_bad_parameters_are_refused_in_chinese():
    with pytest.raises(DemoError, match="网站数量"):
        build_network(sites=0)
    with pytest.raises(DemoError, match="规模"):
        build_network(scale=0)


def test_trap_calendar_is_endless_only_with_faults(full_net, small_net):
    trap = full_net.manifest.select(kind="crawler_trap")[0]
    page = full_net.get(trap["url_prefix"] + "1999-01")
    nxt = [u for u in links_of(page, trap["url_prefix"] + "1999-01") if "date=" in u]
    assert trap["url_prefix"] + "1999-02" in nxt and trap["url_prefix"] + "1998-12" in nxt
    assert not small_net.manifest.select(kind="crawler_trap")
    assert urljoin(trap["url_prefix"], "x")  # prefix is a URL


def test_data_release_bonus_entries_follow_the_column_dates(full_net):
    """W-B1 (portals only): one entry per portal, by the newest date on its 数据发布 list."""
    from dateutil.relativedelta import relativedelta

    t = T_DEFAULT
    expected = {}
    for site in full_net.sites:
        if site.kind != SiteKind.PORTAL:
            continue
        url = full_net.url(site.host, "/zwgk/sjfb/")
        latest = _latest(full_net.get(url))
        if latest is None:
            continue
        if latest.date() >= (t - relativedelta(months=3)).date():
            expected[url] = "data_release_fresh_3m"
        elif latest.date() >= (t - relativedelta(months=6)).date():
            expected[url] = "data_release_fresh_6m"
    got = {e["url"]: e["kind"] for e in full_net.manifest
           if e["kind"].startswith("data_release_fresh")}
    assert got == expected
    assert set(got.values()) == {"data_release_fresh_3m", "data_release_fresh_6m"}
    assert 1 <= list(got.values()).count("data_release_fresh_6m") <= 2
