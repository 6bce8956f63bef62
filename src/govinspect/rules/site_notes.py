"""Site notes (pure): problems the office should see that are reported, not scored —
undated items (R8), crawler traps the collector cut, a slow homepage, and pages whose declared
charset is not their real one (W-D28, 乱码 risk).

Thresholds live in the indicator set (G12 ``latency``), not here.
"""

from __future__ import annotations

import codecs
import re
import statistics
from collections.abc import Iterable
from urllib.parse import urlsplit

from govinspect.core.types import Confidence, Evidence, Finding
from govinspect.extract import PageFacts
from govinspect.extract.dates import url_date
from govinspect.extract.site_tree import ARTICLE_RE as _ARTICLE_RE
from govinspect.extract.site_tree import is_homepage as _is_homepage
from govinspect.rules.base import PageNote, Rule, Scope, register
from govinspect.rules.site_policy import indicator, norm_url

LISTED_PAGES = 10  # how many page URLs a site-level finding lists
MIN_DATED = 3  # dated items that make a page a column list (fewer: navigation, a sidebar)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _own(data) -> list[PageFacts]:
    return data.own_pages()


# ── R8 undated items ───────────────────────────────────────────────────────────────────

_NOT_ITEMS = frozenset({"error", "home", "search", "guide", "message_list", "message_detail"})
DATE_NOTE = "shown_date"  # page note: does an item page show a publication date?
_TAG = re.compile(r"<[^<>]*>")  # a tag; script/style blocks go first (_without_blocks)


def _without_blocks(html: str) -> str:
    """``html`` without its <script> and <style> elements, in one pass (an unclosed one runs
    to the end), so that their code is not read as text."""
    lower, out, i = html.lower(), [], 0
    while True:
        starts = [j for j in (lower.find("<script", i), lower.find("<style", i)) if j >= 0]
        if not starts:
            out.append(html[i:])
            return " ".join(out)
        j = min(starts)
        out.append(html[i:j])
        close = "</script>" if lower.startswith("<script", j) else "</style>"
        k = lower.find(close, j)
        if k < 0:
            return " ".join(out)
        i = k + len(close)


_FOOTER = re.compile(r"主办单位|版权所有|网站标识码|ICP备|公网安备")
# A labelled date in any format, or a numeric one (2022-05-19, 2022/5/19, 2022.05.19). A bare
# "2022年5月19日" is left out: it is the 落款 (成文日期) of most notices, not a 发布时间.
_CN_DATE = r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_BYLINE = r"(?:来源|作者|浏览|点击|阅读|字号|编辑|发布)"
_SHOWN_DATE = re.compile(r"(?<!成文)(?:发布|发文|更新|公开|生成)?(?:时间|日期)\s*[:：]\s*\d{4}\s*[-年/.]"
                         r"|(?<!\d)(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"
                         rf"|{_CN_DATE}[\s\d:：]{{0,12}}{_BYLINE}|{_BYLINE}[^<>\n]{{0,40}}?{_CN_DATE}")


def _item_page(page: PageFacts) -> bool:
    return (page.page_type not in _NOT_ITEMS and len(page.list_items) < 3
            and bool(_ARTICLE_RE.search(page.url) or page.page_type in ("article", "policy")))


def shown_date(site, page, facts: PageFacts) -> bool | None:
    """Page note for item pages: whether the page itself shows a publication date. Extraction
    falls back to the URL's date (t20220519_…), which a reader never sees."""
    if not _item_page(facts) or facts.pub_datetime:
        return None
    if facts.pub_date and facts.pub_date != str(url_date(facts.url)):
        return True  # read off the page, not the URL
    try:
        html = page.body.decode(facts.encoding.detected or "utf-8", errors="replace")
    except LookupError:
        html = page.body.decode("utf-8", errors="replace")
    body = html[html.lower().find("<body"):] if "<body" in html.lower() else html
    text = _TAG.sub(" ", _without_blocks(body))
    cut = _FOOTER.search(text)
    return bool(_SHOWN_DATE.search(text[:cut.start()] if cut else text))


def dated_lists(pages: list[PageFacts]) -> set[str]:
    """URLs of the dated column lists: pages listing at least ``MIN_DATED`` dated items, and
    the pages of the same pagination that list fewer (the short last page of a column, which
    extraction may even type as an article), as long as they list one dated item."""
    full = {norm_url(p.url) for p in pages
            if sum(1 for it in p.list_items if it.date) >= MIN_DATED}
    linked = {norm_url(u) for p in pages if norm_url(p.url) in full for u in p.pagination}
    out = set()
    for p in pages:
        key = norm_url(p.url)
        if key in full:
            out.add(p.url)
        elif any(it.date for it in p.list_items) and (
                key in linked or any(norm_url(u) in full for u in p.pagination)):
            out.add(p.url)
    return out


def undated_items(data, ctx) -> list[Finding]:
    """Items a column lists without a date whose own page shows none either: they never count
    as updates (R8). Listed one per page, without points, so the office can have them dated."""
    pages = _own(data)
    by_url = {p.url: p for p in pages}
    shown_dates = data.notes.get(DATE_NOTE, {})
    lists = dated_lists(pages)
    out = []
    seen: set[str] = set()
    for lst in sorted(pages, key=lambda p: p.url):
        if lst.url not in lists:  # not a dated column list: its other links are navigation
            continue
        dated = {it.url for it in lst.list_items if it.date}
        for link in lst.links:
            page = by_url.get(link.url)
            if (page is None or link.url in dated or link.url in seen
                    or not _item_page(page) or _is_homepage(page.url, data.site)):
                continue
            shown = shown_dates.get(page.url)
            if shown or (shown is None and (page.pub_date or page.pub_datetime)):
                continue
            seen.add(link.url)
            title = page.title or link.text
            out.append(Finding(
                rule_id=UNDATED.id, indicator_id="G12", subject=data.site.code,
                message=f"稿件未标注发布时间（栏目列表和正文页均无日期，不计为更新）：{title}",
                evidence=Evidence(url=page.url, parent_url=None, context=title),
                confidence=Confidence.SUSPECTED, item="undated",
                details={"list_url": lst.url, "title": title}))
    return out


# ── crawler traps (collector notes) ────────────────────────────────────────────────────

TRAP_KINDS = {"calendar": "无限日历", "session": "会话标识网址", "pagination": "无尽分页"}


def crawler_traps(data, ctx) -> list[Finding]:
    """One finding per URL pattern the collector cut as a trap: pages behind it were not
    checked, and search engines meet the same endless links."""
    scheme = urlsplit(data.site.homepage).scheme or "http"
    out = []
    for trap in data.traps:
        pattern = str(trap.get("pattern") or "").strip()
        if not pattern:
            continue
        prefix = pattern.split("*", 1)[0]
        url = prefix if "://" in prefix else f"{scheme}://{prefix}"
        kind = str(trap.get("kind") or "")
        cut = int(trap.get("cut") or 0)
        out.append(Finding(
            rule_id=TRAP.id, indicator_id="G12", subject=data.site.code,
            message=f"网站存在{TRAP_KINDS.get(kind, '爬虫陷阱')}（{pattern}），采集时截断 {cut} 个网址，"
            "该模式下的页面未检查",
            evidence=Evidence(url=url, context=pattern), item="crawler_trap",
            details={"kind": kind, "pattern": pattern, "cut": cut}))
    return out


# ── collect faults (what the collector met and could not read whole) ─────────────────

# faults.jsonl kinds (collect/store.py read_faults) → what the office reads. A homepage that
# failed or left the roster is GI-A002's (W-V2); any other page that got no answer is a dead
# link of the pages linking to it (GI-L001, W-D22, with its referrer): neither is a note here.
FAULT_KINDS = {
    "offsite_redirect": "链接或页面跳转到名录以外的网站，未采集",
    "non_http_redirect": "页面跳转到非网页地址（如 file:、ftp:），未采集",
    "invalid_redirect": "页面跳转地址无法解析，未采集",
    "policy_refused": "链接指向内网、本机或保留地址，未访问",
    "invalid_link": "页面中有无法解析的链接地址",
    "body_cut": "页面内容超过大小上限（或压缩后膨胀过大），只检查了上限以内的部分",
    "empty_html": "页面内容为空",
    "parse_cut": "页面标签数量超过解析上限，其余部分的链接未检查",
    "links_cut": "页面链接数量超过上限，其余链接未检查",
    "transport_probe": "HTTPS/IPv6 检测超时或被截断，结果不完整",
    "search_probe": "站内搜索检测超时或结果过大被截断，结果不完整",
}


def _fault_url(fault: dict) -> str:
    return str(fault.get("url") or fault.get("parent_url") or "")


def collect_faults(data, ctx) -> list[Finding]:
    """One note per kind of fault the collector recorded for the site (faults.jsonl): the
    pages or checks it concerns were not read whole, so no finding about them is certain."""
    by_kind: dict[str, list[dict]] = {}
    for fault in data.faults:
        kind = str(fault.get("kind") or "")
        if kind == "page_failed" or (fault.get("homepage") and kind == "offsite_redirect"):
            continue  # GI-L001's dead link, or the homepage's failure (GI-A002)
        by_kind.setdefault(kind, []).append(fault)
    out = []
    for kind in sorted(by_kind):
        faults = by_kind[kind]
        urls = list(dict.fromkeys(u for u in map(_fault_url, faults) if u))
        first = next((f for f in faults if f.get("warc_file")), None)
        capture = (f"{first['warc_file']}#{first['warc_offset']}"
                   if first and first.get("warc_offset") is not None else None)
        targets = sorted({str(f["target"]) for f in faults if f.get("target")})[:LISTED_PAGES]
        what = FAULT_KINDS.get(kind, f"采集异常（{kind}）")
        listed = "、".join(urls[:LISTED_PAGES]) + ("等" if len(urls) > LISTED_PAGES else "")
        out.append(Finding(
            rule_id=FAULTS.id, indicator_id="G12", subject=data.site.code,
            message=f"采集说明：{what}，共 {len(faults)} 处" + (f"：{listed}" if listed else ""),
            evidence=Evidence(url=urls[0] if urls else data.site.homepage,
                              context="；".join(targets), capture=capture),
            item="collect_fault",
            details={"kind": kind, "count": len(faults), "urls": urls[:LISTED_PAGES],
                     "targets": targets}))
    return out


# ── slow homepage (W-V2 prober's latencies) ────────────────────────────────────────────

def median_latency_ms(probes: Iterable) -> float | None:
    """Median latency of the probes that got an answer (any status); None when none did."""
    values = [p.latency_ms for p in probes if p.latency_ms is not None]
    return float(statistics.median(values)) if values else None


def slow_homepage(data, ctx) -> list[Finding]:
    """The median homepage latency over the round's probes is above the set's absolute limit,
    or several times the round's typical latency (the same vantage point for every site)."""
    conf = indicator(ctx, "G12").get("latency") or {}
    answered = [p for p in data.probes if p.latency_ms is not None]
    if len(answered) < int(conf.get("min_probes", 5)):
        return []
    median = median_latency_ms(answered)
    slow_ms = float(conf.get("slow_ms", 3000))
    peer = data.peer_latency_ms
    relative = (peer is not None and median >= float(conf.get("floor_ms", 250))
                and median >= float(conf.get("peer_factor", 10)) * max(peer, 1.0))
    if median < slow_ms and not relative:
        return []
    why = (f"超过 {slow_ms / 1000:g} 秒" if median >= slow_ms
           else f"为本轮网站中位数（{peer:.0f} 毫秒）的 {median / max(peer, 1.0):.0f} 倍")
    return [Finding(
        rule_id=SLOW.id, indicator_id="G12", subject=data.site.code,
        message=f"首页访问缓慢：{len(answered)} 次监测的响应时间中位数 {median / 1000:.2f} 秒，{why}",
        evidence=Evidence(url=data.site.homepage), confidence=Confidence.SUSPECTED,
        item="slow_homepage",
        details={"median_ms": median, "peer_median_ms": peer, "probes": len(answered),
                 "max_ms": max(p.latency_ms for p in answered)})]


# ── W-D28 declared charset ≠ real charset ──────────────────────────────────────────────

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_FAMILY = {"gb2312": "gb", "gbk": "gb", "gb18030": "gb", "hz": "gb", "utf-8": "utf-8",
           "utf-8-sig": "utf-8", "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
           "iso8859-1": "latin", "cp1252": "latin", "latin-1": "latin"}


def _family(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return _FAMILY.get(canonical, canonical)


def _declared(page: PageFacts, capture) -> str | None:
    """What a browser obeys: the HTTP header's charset, else the page's own <meta>."""
    if capture is not None:
        m = _HEADER_CHARSET.search(capture.content_type or "")
        if m:
            return m.group(1).lower()
    return page.encoding.declared


def _mismatch(page: PageFacts, capture) -> tuple[str, str] | None:
    declared = _declared(page, capture)
    want, got = _family(declared), _family(page.encoding.detected)
    if want is None or got is None or want == got or want == "ascii":
        return None
    # A pure-ASCII page decodes as UTF-8 whatever it declares: nothing would look wrong.
    text = (page.title or "") + (page.html_title or "")
    if got == "utf-8" and text.isascii():
        return None
    return declared or "", page.encoding.detected


def charset_mismatch(data, ctx) -> list[Finding]:
    """One finding per site listing its pages whose declared charset is not the real one."""
    site = data.site
    bad = []
    for page in _own(data):
        pair = _mismatch(page, data.captures.get(page.url))
        if pair:
            bad.append((page.url, *pair))
    if not bad:
        return []
    bad.sort(key=lambda b: (not _is_homepage(b[0], site), b[0]))
    url, declared, actual = bad[0]
    return [Finding(
        rule_id=CHARSET.id, indicator_id="W-D28", subject=site.code,
        message=f"页面声明的字符编码（{declared}）与实际编码（{actual}）不一致，浏览器可能显示乱码"
        f"（{len(bad)} 个页面）",
        evidence=Evidence(url=url), confidence=Confidence.SUSPECTED, item="charset_mismatch",
        details={"declared": declared, "actual": actual, "pages": len(bad),
                 "examples": [b[0] for b in bad[:LISTED_PAGES]]})]


UNDATED = register(Rule(
    id="GI-N001", title="稿件未标注发布时间", indicators=("G12",),
    what="栏目列表中未标日期、其正文页也没有显示发布日期的稿件逐条列出（列表须有至少3条带日期的条目，"
    "避免把导航链接当稿件；分页栏目的最后一页条目较少，只要与这样的列表同属一组分页、且有带日期的"
    "条目也算）。正文页只有网址中的日期（t20220519_…）或文末落款日期（成文日期）"
    "不算显示了发布时间；带标签的日期（发布时间：…）、数字日期（2022-05-19）或与“来源”“作者”"
    "等并列的日期都算。按“未注明发布时间的视为不更新”（R8），这些稿件不计为栏目或首页更新；"
    "本条只提示、不扣分（G12，疑似）。",
    why="没有发布时间的稿件无法判断栏目是否及时更新，检查时一律视为未更新，可能让栏目被判为不更新。",
    example="<li><a href=\"./202206/t20220601_1030751.html\">市公安局召开民生实事培训班</a></li>"
    "（列表无日期，正文页也无“发布时间”）",
    fix="在列表和正文页统一显示发布时间（YYYY-MM-DD），并检查内容管理系统的日期字段。",
    basis="R8 未注明发布时间的视为不更新（国办秘函〔2019〕19号 附注）；G12 网页设计规范（发布时间）。",
    check=undated_items,
    scope=Scope.SITE, emits=(("G12", "undated"),),
    needs=("pages", PageNote(DATE_NOTE, shown_date))))
TRAP = register(Rule(
    id="GI-N002", title="爬虫陷阱（采集已截断）", indicators=("G12",),
    what="列出采集器识别并截断的网址模式（无限日历、会话标识网址、无尽分页），每个模式一条，"
    "附截断的网址数；这些网址下的页面本轮未检查。只提示、不扣分。",
    why="无限生成的链接让检查和搜索引擎都无法完整访问网站，也说明相关页面可能没有边界检查。",
    example="活动日历“下一月”链接无限翻页：http://jxj.shishi.gov.cn/hdjl/hdrl/?date=2099-12",
    fix="为日历、分页设置合理的起止范围，超出范围返回404，不在网址中带会话标识。",
    basis="采集说明（docs/collect.md 爬虫陷阱）；G12 网页设计规范。",
    check=crawler_traps,
    scope=Scope.SITE, emits=(("G12", "crawler_trap"),),
    needs=("traps",)))
FAULTS = register(Rule(
    id="GI-N005", title="采集异常（页面未能完整检查）", indicators=("G12",),
    what="汇总采集器本轮遇到的异常（collect/faults.jsonl）：跳转到名录以外或非网页地址、"
    "内容超过大小上限（含压缩炸弹）、链接或标签超过上限、空白页面、无法解析的链接、指向内网地址的链接、"
    "HTTPS/IPv6 和站内搜索检测超时或截断。每个网站每类异常一条，列出涉及的网址。首页无法访问或跳出名录"
    "由 GI-A002 报出，其他无法访问的页面是引用它的页面的失效链接（GI-L001），均不在此重复。只提示、不扣分。",
    why="这些页面或检测没有被完整读取，相关指标的结果不完整；如实列出，组织单位才能判断是否需要人工补查，"
    "也提示网站存在超大页面、错误跳转等问题。",
    example="页面 http://www.bad.gov.cn/bomb.html 压缩后约1MB，解压后超过1GB，只检查了上限以内的部分。",
    fix="检查所列页面：修复无法访问或跳转错误的页面，拆分超大页面，删除无效链接。",
    basis="采集说明（docs/collect.md 采集异常）；G12 网页设计规范。",
    check=collect_faults,
    scope=Scope.SITE, emits=(("G12", "collect_fault"),),
    needs=("faults",)))
SLOW = register(Rule(
    id="GI-N003", title="首页访问缓慢", indicators=("G12",),
    what="取首页可用性监测（W-V2）本轮已记录的响应时间，至少5次有响应时计算中位数：超过指标体系"
    " G12.latency.slow_ms（3秒）报出；或不低于 floor_ms（250毫秒）且达到本轮各网站中位数的"
    " peer_factor（10）倍也报出（同一监测点，排除网络本身的影响）。疑似，只提示、不扣分。",
    why="首页打开缓慢影响公众使用，也常是服务器或网络故障的前兆，可能发展为首页不可用。",
    example="监测140次，首页响应时间中位数0.45秒，本轮其他网站中位数约2毫秒。",
    fix="检查服务器负载、带宽和页面资源大小，必要时启用缓存或内容分发。",
    basis="G12 网页设计规范（页面加载时间）；数据来自 W-V2 首页可用性监测。",
    check=slow_homepage,
    scope=Scope.SITE, emits=(("G12", "slow_homepage"),),
    needs=("probes", "peer_latency")))
CHARSET = register(Rule(
    id="GI-N004", title="页面声明的字符编码与实际不符", indicators=("W-D28",),
    what="比较每个页面声明的字符编码（HTTP 响应头优先，其次页面 <meta charset>）与实际解码所用的"
    "编码（GB2312/GBK/GB18030 视为同一类），不一致的页面汇总为网站一条（疑似，不扣分）。"
    "未声明编码或全为ASCII字符的页面不判断。",
    why="声明错误时浏览器按声明解码，页面显示乱码，属于“页面在主流浏览器中显示异常”。",
    example="Content-Type: text/html; charset=utf-8，而页面内容以GBK编码保存。",
    fix="统一页面文件编码（建议UTF-8），并使响应头和 <meta charset> 与之一致。",
    basis="W-D28 兼容性（国办秘函〔2019〕19号）。",
    check=charset_mismatch,
    scope=Scope.SITE, emits=(("W-D28", "charset_mismatch"),),
    needs=("pages", "captures")))

