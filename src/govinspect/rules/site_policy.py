"""Site rules for policy documents and their 解读 (W-D7, W-D8, P7, W-V1 伪造发稿日期).

Pure functions over one site's page facts (``SiteInput``) and the round (``RoundContext``).
A *policy document* is a page of type ``policy``, or a detail page of a 政策文件 column; a
*解读* is a detail page of a 政策解读 column, or an article whose headline names a 解读.
Links between the two are read from every link of both pages (the demo's and many real
sites' link texts are just the other page's title, so ``interpretation_links`` alone is not
enough).

Sampling (W-D7: 3 documents, W-D8: 3 解读) is deterministic per round and site:
``random.Random(f"{round_name}:{site_code}:{indicator}")``. Every problem found is reported;
those in the sample feed the scored item, the others the 0-point item ``outside_sample``
(listed for rectification, never scored), and ``details["sample"]`` records the sample.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from collections.abc import Iterable
from urllib.parse import urldefrag
from zoneinfo import ZoneInfo

from govinspect.core.types import Confidence, Evidence, Finding, ResourceKind, Span
from govinspect.extract import PageFacts, docnumber
from govinspect.rules.base import Rule, Scope, register

CHINA = ZoneInfo("Asia/Shanghai")
DETAIL_TYPES = ("article", "policy")
_INTERP_TITLE = re.compile(r"解读|读懂|图解|答记者问")


# --- helpers shared by the site rule modules --------------------------------------------------


def ref_date(ctx) -> dt.date:
    """The reference time t as a calendar date in China."""
    t = ctx.reference_time
    return (t.astimezone(CHINA) if t.tzinfo else t).date()


def ref_datetime(ctx) -> dt.datetime:
    """t as a naive datetime in China time (page dates carry no zone)."""
    t = ctx.reference_time
    return (t.astimezone(CHINA) if t.tzinfo else t).replace(tzinfo=None)


def parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_moment(value: str | None) -> dt.datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` as a naive datetime (a bare day is 00:00)."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        day = parse_day(value)
        return dt.datetime.combine(day, dt.time()) if day else None


def norm_url(url: str) -> str:
    u = urldefrag(url)[0]
    for tail in ("index.html", "index.htm", "index.shtml"):
        if u.endswith("/" + tail):
            u = u[: -len(tail)]
    return u.rstrip("/")


def indicator(ctx, indicator_id: str) -> dict:
    return ctx.indicator_set.indicators.get(indicator_id) or {}


def sample(ctx, site_code: str, indicator_id: str, urls: Iterable[str], k: int) -> list[str]:
    """A deterministic sample of ``k`` URLs (all when fewer), the same in every re-run."""
    pool = sorted(set(urls))
    if len(pool) <= k:
        return pool
    rng = random.Random(f"{ctx.round_name}:{site_code}:{indicator_id}")
    return sorted(rng.sample(pool, k))


# a column page (…/, …/index.html, …/index_2.html): a short last list page is no document
_COLUMN_URL = re.compile(r"/(?:index(?:_\d+)?\.(?:s?html?|jsp|php))?(?:[?#].*)?$", re.I)


def _is_detail(f: PageFacts) -> bool:
    return (f.page_type in DETAIL_TYPES and len(f.list_items) < 3
            and not _COLUMN_URL.search(f.url))


# Public records that are not policies (no 解读 is due, no policy box is judged): penalty and
# licensing decisions and their disclosure tables, 公示 and result lists, procurement and
# recruitment notices, appointments, replies to 建议/提案 and letters, and notices that only
# organise an activity, a meeting or a training course.
_NOT_POLICY_TITLE = re.compile(
    r"处罚|信息公开表|决定书|许可证|公示|名单|评审结果|考核结果|结果的?公告|中标|成交|采购|招标|"
    r"招聘|招录|录用|遴选|任免|任职|免职|复函|答复|复文|建议的|提案的|"
    r"(?:开展|举办|召开|组织|参加|做好)[^，。]{0,40}?(?:活动|会议|培训|比赛|大赛|评选|宣传|"
    r"征文|展览|论坛|竞赛|演练|周)[^，。]{0,12}?的?(?:通知|函)|会议的?通知|培训班")
# The form of a document (a 文号, or a title such as 关于…的通知 / …实施办法): a news item in
# an index box (新闻 with 索引号) has neither.
_DOC_TITLE = re.compile(
    r"(?:关于|印发|转发).{0,200}(?:通知|意见|办法|规定|决定|方案|通告|公告|批复|细则|规划|纲要|"
    r"条例|措施|指南|指引|规则|标准|规范|制度|清单|目录|计划|要点)|"
    r"(?:办法|规定|条例|细则|实施意见|方案|规划|通告|决定|规则|措施|若干意见)(?:（试行）|\(试行\))?$")


def policy_genre(f: PageFacts) -> str:
    """What a page with document facts is: ``"policy"`` (a policy document), ``"record"`` (a
    public record that is no policy: see ``_NOT_POLICY_TITLE``) or ``"news"`` (no 文号 and no
    document title: a news item, whatever box or type it shows)."""
    title = (f.title or "").strip()
    if title and _NOT_POLICY_TITLE.search(title):
        return "record"
    if f.doc_number or f.xxgk.get("doc_number") and len(f.xxgk["doc_number"]) > 4:
        return "policy"
    return "policy" if title and _DOC_TITLE.search(title) else "news"


def is_policy_doc(f: PageFacts) -> bool:
    """A policy document: a page typed policy, with a 信息公开 box or in a 政策文件 column,
    that is no public record of another kind and no news item (``policy_genre``)."""
    if f.page_type == "policy":
        candidate = True
    elif len(f.xxgk) >= 2 and len(f.list_items) < 3:  # a 信息公开 box: whatever the type says
        candidate = True
    else:
        candidate = f.column_category == "政策文件" and _is_detail(f)
    return candidate and policy_genre(f) == "policy"


def is_interpretation(f: PageFacts) -> bool:
    if not _is_detail(f) or f.page_type == "policy":
        return False
    if f.column_category == "政策解读":
        return True
    # a headline cue only where the column says nothing (在线访谈 "…负责同志解读…" is no 解读稿)
    return f.column_category in (None, "", "信息公开") and bool(
        f.title and _INTERP_TITLE.search(f.title))


def _span_finding(rule: Rule, indicator_id: str, item: str, site_code: str, url: str,
                  context: str, shown: str, message: str, confidence: Confidence,
                  **details) -> Finding:
    start = context.find(shown) if shown else -1
    span = Span(start, start + len(shown)) if start >= 0 else None
    return Finding(rule_id=rule.id, indicator_id=indicator_id, subject=site_code,
                   message=message, evidence=Evidence(url=url, context=context, span=span),
                   confidence=confidence, item=item, details=details)


# --- P7: metadata of policy pages ----------------------------------------------------------

# field label → (key in the 信息公开 box, PageFacts attribute that may show it elsewhere)
FIELD_KEYS = {
    "索引号": ("index_no", None),
    "发布机构": ("issuer", None),  # PageFacts.issuer falls back to 落款/SiteName: not enough
    "成文日期": ("written_date", "written_date"),
    "文号": ("doc_number", "doc_number"),
    "发布日期": ("pub_date", "pub_date"),
}


def policy_metadata(site_input, ctx) -> list[Finding]:
    """P7: a policy page with a 信息公开 box that lacks required fields (one finding a page)."""
    required = indicator(ctx, "P7").get("required_fields") or list(FIELD_KEYS)
    out = []
    for f in site_input.pages:
        if not is_policy_doc(f) or len(f.xxgk) < 2:  # no box at all: nothing to judge here
            continue
        missing = []
        for label in required:
            box_key, attr = FIELD_KEYS.get(label, (None, None))
            if box_key is None:
                continue
            if f.xxgk.get(box_key) or (attr and getattr(f, attr)):
                continue
            missing.append(label)
        if missing:
            out.append(Finding(
                rule_id=POLICY_METADATA.id, indicator_id="P7", subject=site_input.site.code,
                message=f"政策文件信息公开要素缺失：{'、'.join(missing)}（{f.title or f.url}）",
                evidence=Evidence(url=f.url, context=f.title or ""),
                confidence=Confidence.SUSPECTED, item="missing_field",
                details={"missing": missing, "box": dict(f.xxgk)}))
    return out


POLICY_METADATA = register(Rule(
    id="GI-D001",
    title="政策文件信息公开要素缺失",
    indicators=("P7",),
    what="政策文件页面显示了信息公开要素表（索引号、发布机构、成文日期、文号、发布日期等），"
    "但缺少指标体系 P7.required_fields 所列的要素时报告，每个页面一条，列出缺少的要素。"
    "页面完全没有要素表的不在此判断；不是政策文件的政府信息（处罚决定、公示、答复、活动通知、"
    "新闻等，见 GI-D005）不判断。本规则看不到：要素表由脚本生成或在图片里的页面。",
    why="索引号、发布机构、成文日期、文号、发布日期是政府信息公开目录的基本要素，缺失会导致"
    "公众无法判断文件的效力、时效和来源，也是政务公开检查的常见扣分点。",
    example="<table><tr><th>索引号</th><td>113411000030018/2022-00012</td>"
    "<th>发布机构</th><td></td></tr><tr><th>发布日期</th><td>2022-06-27</td></tr></table>"
    "（缺少发布机构、成文日期、文号）",
    fix="在内容管理系统中补全政策文件的公开要素并重新发布；设置必填项，防止再次漏填。",
    basis="P7 政策文件公开要素（政府信息公开目录要素，地方实践；国家统一必填清单未确认）；"
    "《中华人民共和国政府信息公开条例》。",
    check=policy_metadata,
    scope=Scope.SITE, emits=(("P7", "missing_field"),),
    needs=("pages",),
))


# --- P7: 文号 format -----------------------------------------------------------------------


def doc_number_format(site_input, ctx) -> list[Finding]:
    """P7: a policy page's own 文号 written in a non-standard form (wrong brackets, spaces …)."""
    out = []
    for f in site_input.pages:
        if not f.doc_number or not f.doc_number_problems:
            continue
        if not (is_policy_doc(f) or f.xxgk.get("doc_number")):
            continue
        problems = "；".join(f.doc_number_problems)
        right = f.doc_number_normalized or ""
        out.append(_span_finding(
            DOC_NUMBER_FORMAT, "P7", "doc_number_format", site_input.site.code, f.url,
            f"文号：{f.doc_number}", f.doc_number,
            f"文号格式不规范：“{f.doc_number}”（{problems}）" + (f"，应为“{right}”" if right else ""),
            Confidence.CERTAIN, text=f.doc_number, suggestion=right,
            problems=list(f.doc_number_problems)))
    return out


DOC_NUMBER_FORMAT = register(Rule(
    id="GI-D002",
    title="文号格式不规范",
    indicators=("P7",),
    what="解析政策文件页面本身的文号（信息公开要素表或标题下方），年份未使用六角括号〔〕"
    "（误用[]、()、【】等）、括号内有空格、序号前加“第”或补零等即报告，并给出规范写法。"
    "正文中引用的其他文件文号不在此检查。",
    why="党政机关公文格式（GB/T 9704-2012）规定发文字号的年份用六角括号括入、序号不编虚位；"
    "文号写错影响文件检索和引用，也反映发布审核不严。",
    example="<tr><th>文号</th><td>示政办[2022]12号</td></tr>",
    fix="按“机关代字〔年份〕序号号”改正，例如“示政办〔2022〕12号”，并检查同批次发布的其他文件。",
    basis="P7 政策文件公开要素；GB/T 9704-2012《党政机关公文格式》7.2.4 发文字号。",
    check=doc_number_format,
    scope=Scope.SITE, emits=(("P7", "doc_number_format"),),
    needs=("pages",),
))


# --- W-V1 伪造发稿日期: 发布日期 moved to a recent date ------------------------------------

_URL_DAY = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+")
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})-?(\d{2})/(?:\d{2}/)?")


def url_date(url: str) -> dt.date | None:
    """The date a CMS wrote into the URL (``t20220627_…``; ``/202206/`` → the month's last
    day, the latest date it can stand for)."""
    m = _URL_DAY.search(url)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _URL_MONTH.search(url)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            return dt.date(y, mo, calendar.monthrange(y, mo)[1])
    except ValueError:
        return None
    return None


def pubdate_moved(site_input, ctx) -> list[Finding]:
    """W-V1 (falsification): a recent 发布日期 on a page whose URL date — or, without a URL
    date, its 成文日期 — is at least ``gap_days`` older. 疑似: a person confirms (veto).

    The strongest evidence is the office's own archive: an earlier round captured the same
    URL before the 发布日期 the page now shows (``site_input.first_seen``)."""
    conf = (indicator(ctx, "W-V1").get("pubdate_moved") or {})
    recent = int((conf.get("recent") or {}).get("days", 30))
    gap = int(conf.get("gap_days", 90))
    t = ref_date(ctx)
    out = []
    for f in site_input.pages:
        if not (is_policy_doc(f) or f.xxgk.get("pub_date")):
            continue
        pub = parse_day(f.pub_date)
        if pub is None or not (t - dt.timedelta(days=recent) <= pub <= t):
            continue
        evidence: list[str] = []
        ud = url_date(f.url)
        written = parse_day(f.written_date)
        number = docnumber.parse(f.doc_number) if f.doc_number else None
        url_gap = ud is not None and (pub - ud).days >= gap
        written_gap = written is not None and (pub - written).days >= gap
        if url_gap:
            evidence.append(f"网址日期{ud.isoformat()}早于发布日期{(pub - ud).days}天")
        if written_gap:
            evidence.append(f"成文日期{written.isoformat()}早于发布日期{(pub - written).days}天")
        seen, seen_round = site_input.first_seen.get(f.url) or (None, "")
        seen_day = seen.date() if seen is not None else None
        seen_before = seen_day is not None and seen_day < pub
        if seen_before:
            evidence.insert(0, f"{seen_round or '此前'}检查轮次已于{seen_day.isoformat()}"
                               f"采集到该页面，早于所示发布日期")
        if number and number.year and number.year < pub.year:
            evidence.append(f"文号年份为{number.year}年")
        # A recent URL date means the page was created recently: a late publication, not a
        # move; a 成文日期 close to the 发布日期 contradicts an old URL date.
        if not (seen_before or (url_gap and (written is None or written_gap))
                or (ud is None and written_gap)):
            continue
        shown = f.pub_date or ""
        out.append(_span_finding(
            PUBDATE_MOVED, "W-V1", "falsification", site_input.site.code, f.url,
            f"发布日期：{shown}", shown,
            f"疑似修改发布日期：页面发布日期为{shown}，但" + "，".join(evidence),
            Confidence.SUSPECTED, text=shown, evidence=evidence,
            url_date=ud.isoformat() if ud else None,
            written_date=written.isoformat() if written else None,
            doc_number_year=number.year if number else None,
            first_seen=seen.isoformat() if seen is not None else None,
            first_seen_round=seen_round or None))
    return out


PUBDATE_MOVED = register(Rule(
    id="GI-D003",
    title="疑似伪造发稿日期（发布日期被改为近期）",
    indicators=("W-V1",),
    what="政策文件（或带信息公开要素表的页面）的发布日期落在检查时间点前 recent 天内，"
    "而页面网址中的日期（t20220627_… 或 /202206/，内容管理系统建稿时写入）早于发布日期 "
    "gap_days 天以上；网址不含日期时，以成文日期早于发布日期 gap_days 天以上为据；"
    "或者此前的检查轮次已采集到同一网址，采集时间早于页面现在显示的发布日期"
    "（页面在“发布”之前就已在线，本单位存档为证）。"
    "文号年份早于发布年份作为佐证写入说明。结果为疑似，须人工确认。",
    why="为应付“栏目不更新”检查而把旧稿件的发布日期改成近期，属于“弄虚作假”，"
    "是单项否决情形（W-V1）。",
    example="网址 /zwgk/zcwj/202202/t20220225_1023588.html，页面显示“发布日期：2022-06-24”，"
    "“成文日期：2022-02-20”。",
    fix="恢复文件的真实发布日期；栏目更新应发布新的信息，不得修改旧稿件日期。",
    basis="W-V1 安全、泄密事故等严重问题（弄虚作假，如伪造发稿日期）；国办秘函〔2019〕19号。",
    check=pubdate_moved,
    scope=Scope.SITE, emits=(("W-V1", "falsification"),),
    needs=("pages", "first_seen", "url_dates"),
))


# --- P7: attachments of policy documents that do not download -------------------------------


def policy_attachments(site_input, ctx) -> list[Finding]:
    """P7: broken attachment links on policy pages. The same links are W-D22 dead links
    (GI-L001); here they are only reported (0 points), so nothing is counted twice (R9)."""
    docs = {norm_url(f.url): f for f in site_input.pages if is_policy_doc(f)}
    out, seen = [], set()
    for check in site_input.link_checks:
        if check.resource_kind != ResourceKind.ATTACHMENT or not check.broken:
            continue
        doc = docs.get(norm_url(check.parent_url))
        if doc is None or (check.parent_url, check.url) in seen:
            continue
        seen.add((check.parent_url, check.url))
        name = check.text or check.url.rsplit("/", 1)[-1]
        out.append(Finding(
            rule_id=POLICY_ATTACHMENTS.id, indicator_id="P7", subject=site_input.site.code,
            message=f"政策文件附件无法下载：{name}（{doc.title or doc.url}）",
            evidence=Evidence(url=check.url, parent_url=check.parent_url, context=check.text),
            item="attachment_unavailable",
            details={"failure": check.failure.value if check.failure else None,
                     "status": check.status, "counted_under": "W-D22"}))
    return out


POLICY_ATTACHMENTS = register(Rule(
    id="GI-D004",
    title="政策文件附件无法下载",
    indicators=("P7",),
    what="政策文件页面上的附件链接（PDF、Word、Excel 等）访问失败（404、5xx、超时等）即报告。"
    "同一链接已作为不可用链接按 W-D22 扣分，此处只列入政务公开问题，不再扣分（R9）。",
    why="附件往往就是文件正文或配套表格，无法下载等于文件未公开。",
    example='<a href="./P020220627391022.pdf">示例市稳岗补贴申请表.pdf</a>（返回404）',
    fix="重新上传附件并核对链接；迁移栏目或更换存储时同步迁移附件。",
    basis="P7 政策文件公开要素；W-D22 可用性（附件链接，扣分只计一次）。",
    check=policy_attachments,
    scope=Scope.SITE, emits=(("P7", "attachment_unavailable"),),
    needs=("pages", "link_checks"),
))


# --- W-D7 / W-D8: 解读 present and linked both ways -------------------------------------------


def _link_graph(site_input):
    docs = {norm_url(f.url): f for f in site_input.pages if is_policy_doc(f)}
    interps = {norm_url(f.url): f for f in site_input.pages if is_interpretation(f)}

    def targets(f: PageFacts, pool: dict) -> set[str]:
        return {norm_url(link.url) for link in f.links + f.interpretation_links
                if norm_url(link.url) in pool and norm_url(link.url) != norm_url(f.url)}

    doc_to = {u: targets(f, interps) for u, f in docs.items()}
    interp_to = {u: targets(f, docs) for u, f in interps.items()}
    return docs, interps, doc_to, interp_to


def _windowed(pages: dict, ctx, indicator_id: str) -> dict:
    """Pages published inside the indicator's optional ``window`` (none: all)."""
    window = indicator(ctx, indicator_id).get("window")
    if not window:
        return pages
    from govinspect.core.newmedia import window_start

    start = window_start(ref_datetime(ctx), window).date()
    return {u: f for u, f in pages.items()
            if (d := parse_day(f.pub_date)) is None or d >= start}


def policy_without_interpretation(site_input, ctx) -> list[Finding]:
    """W-D7: policy documents with no 解读 linked in either direction."""
    docs, interps, doc_to, interp_to = _link_graph(site_input)
    docs = _windowed(docs, ctx, "W-D7")
    if not interps and not docs:
        return []
    linked_back = {d for targets in interp_to.values() for d in targets}
    k = int(indicator(ctx, "W-D7").get("sample", 3))
    picked = sample(ctx, site_input.site.code, "W-D7", docs, k)
    out = []
    for u, f in sorted(docs.items()):
        if doc_to.get(u) or u in linked_back or any(f.interpretation_links):
            continue
        in_sample = u in picked
        out.append(Finding(
            rule_id=NO_INTERPRETATION.id, indicator_id="W-D7", subject=site_input.site.code,
            message=f"政策文件未发布解读或未关联解读：{f.title or f.url}"
            + ("" if in_sample else "（抽查范围外，不扣分）"),
            evidence=Evidence(url=f.url, context=f.title or ""),
            confidence=Confidence.SUSPECTED,
            item="not_interpreted" if in_sample else "outside_sample",
            details={"sample": picked, "sampled": in_sample, "documents": len(docs),
                     "interpretations": len(interps)}))
    return out


NO_INTERPRETATION = register(Rule(
    id="GI-D005",
    title="政策文件无解读",
    indicators=("W-D7",),
    what="找出网站上的政策文件页面和政策解读页面，以及两者之间的全部链接。政策文件既没有链接"
    "任何解读、也没有被任何解读链接的，视为未解读。每轮每站按轮次名和网站标识码确定地抽取"
    "3 个政策文件（不足 3 个全查）：抽中的计入“解读比例”扣分项，其余列为抽查范围外问题（不扣分），"
    "抽样结果记在 details.sample。是否属于“涉及面广、社会关注度高”须人工判断，结果为疑似。"
    "只判断政策文件：行政处罚决定及其公开表、许可、公示和结果名单、采购招聘、任免、对建议提案和"
    "来函的答复，以及只安排活动、会议、培训的通知，是政府信息但不是需要解读的政策；既无文号、"
    "标题也不是文件形式（关于…的通知/意见、…办法）的页面按新闻处理。"
    "本规则看不到：本轮未采集到的解读页面、只在附件里的解读、文件是否“涉及面广、社会关注度高”。",
    why="重要政策文件应同步组织、同步审签、同步部署解读（国办发〔2016〕80号），"
    "检查指标按抽查文件逐个扣分。",
    example="<h1>示例市人民政府关于进一步稳定和扩大就业的实施意见</h1>……（页面无“相关解读”，"
    "政策解读栏目也无对应解读）",
    fix="为涉及面广、社会关注度高的政策文件补发解读（文字、图解、音视频等），并与文件双向链接。",
    basis="W-D7 解读比例（国办秘函〔2019〕19号 扣分指标 发布解读）；INDICATORS.md P8。",
    check=policy_without_interpretation,
    scope=Scope.SITE, emits=(("W-D7", "not_interpreted"), ("W-D7", "outside_sample")),
    needs=("pages",),
))


def interpretation_links(site_input, ctx) -> list[Finding]:
    """W-D8: a 解读 and its document not linked both ways (one finding per missing direction)."""
    docs, interps, doc_to, interp_to = _link_graph(site_input)
    interps = _windowed(interps, ctx, "W-D8")
    k = int(indicator(ctx, "W-D8").get("sample", 3))
    picked = sample(ctx, site_input.site.code, "W-D8", interps, k)
    out = []
    for j, jf in sorted(interps.items()):
        in_sample = j in picked
        pairs: list[tuple[str | None, str]] = []
        forward = interp_to.get(j, set())
        backward = {d for d, targets in doc_to.items() if j in targets}
        for d in sorted(forward):
            if j not in doc_to.get(d, set()):
                pairs.append((d, "document_to_interpretation"))
        for d in sorted(backward - forward):
            pairs.append((d, "interpretation_to_document"))
        if not forward and not backward:
            pairs.append((None, "interpretation_to_document"))
        for d, missing in pairs:
            df = docs.get(d) if d else None
            if missing == "document_to_interpretation":
                msg = f"政策文件未链接其解读：{df.title if df else d} ← {jf.title or jf.url}"
            elif df is not None:
                msg = f"解读未链接其政策文件：{jf.title or jf.url} → {df.title or d}"
            else:
                msg = f"解读未关联任何政策文件：{jf.title or jf.url}"
            out.append(Finding(
                rule_id=INTERPRETATION_LINKS.id, indicator_id="W-D8",
                subject=site_input.site.code,
                message=msg + ("" if in_sample else "（抽查范围外，不扣分）"),
                evidence=Evidence(url=jf.url, parent_url=df.url if df else None,
                                  context=jf.title or ""),
                confidence=Confidence.SUSPECTED,
                item="missing_link" if in_sample else "outside_sample",
                details={"missing": missing, "document_url": df.url if df else None,
                         "sample": picked, "sampled": in_sample}))
    return out


INTERPRETATION_LINKS = register(Rule(
    id="GI-D006",
    title="政策文件与解读未双向关联",
    indicators=("W-D8",),
    what="对每篇解读检查两个方向：解读是否链接到它所解读的政策文件，政策文件是否链接回该解读；"
    "每缺一个方向报告一条（details.missing 为 document_to_interpretation 或 "
    "interpretation_to_document）。每轮每站确定地抽取 3 篇解读（不足 3 篇全查）计入扣分，"
    "其余列为抽查范围外问题（不扣分），抽样结果记在 details.sample。",
    why="检查指标要求解读稿与政策文件相互关联，方便公众对照阅读；每缺一个方向扣0.5分。",
    example="解读页有“相关文件：《示例市节能降碳管理办法》”链接，而该文件页面没有“相关解读”。",
    fix="在政策文件页面增加“相关解读”链接，在解读页面增加“相关文件”链接；"
    "在内容管理系统中建立文件与解读的关联字段，发布时自动生成双向链接。",
    basis="W-D8 解读关联（国办秘函〔2019〕19号 扣分指标 发布解读）；INDICATORS.md P8。",
    check=interpretation_links,
    scope=Scope.SITE, emits=(("W-D8", "missing_link"), ("W-D8", "outside_sample")),
    needs=("pages",),
))

