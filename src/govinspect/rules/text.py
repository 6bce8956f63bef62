"""Text rules: 错敏词 from the lexicons, statistical 错别字, and replies that send the public to
commercial media. Pure functions over extracted text; offsets point into that text.

Severity decides the indicator: a 严重 lexicon term (leader names, 政治表述 …) feeds W-V1
(严重表述错误, a veto, so always 疑似 until a person confirms it); everything else is a
review item (indicator ``REVIEW``: listed for the unit to correct, never scored).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib import resources

import yaml

from govinspect.core.types import Confidence, Evidence, Finding, Span
from govinspect.extract import PageFacts
from govinspect.lexicons import spelling
from govinspect.lexicons.engine import SEVERE, Lexicon, default_lexicon, normalise
from govinspect.rules.base import ANY_ITEM, RecheckMode, Rule, Scope, register

REVIEW = "REVIEW"  # not a scored indicator: a finding for the unit to check and correct
CONTEXT_CHARS = 30


def make_finding(rule: Rule, indicator: str, *, text: str, start: int, end: int,
                 message: str, url: str = "", subject: str = "",
                 confidence: Confidence = Confidence.SUSPECTED, item: str = "",
                 category: str = "", suggestion: str = "", shown: str | None = None,
                 **details) -> Finding:
    """A finding with ``CONTEXT_CHARS`` of context either side of ``text[start:end]``.

    ``shown`` replaces ``text`` for everything written into the finding (same length: the
    privacy rules pass a masked copy so no full number reaches a report or a log)."""
    source = text if shown is None else shown
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    return Finding(
        rule_id=rule.id, indicator_id=indicator, subject=subject, message=message,
        evidence=Evidence(url=url, context=source[lo:hi], span=Span(start - lo, end - lo)),
        confidence=confidence, item=item,
        details={"start": start, "end": end, "text": source[start:end], "category": category,
                 "suggestion": suggestion, **details},
    )


# --- 错敏词 (lexicon) -------------------------------------------------------------------


INSTITUTIONS = "机构名称"


@cache
def reform_dates() -> dict[str, dt.date]:
    """Institution name → the day from which it is out of date (rules/data/reforms.yaml)."""
    data = yaml.safe_load(resources.files("govinspect.rules").joinpath("data/reforms.yaml")
                          .read_text(encoding="utf-8"))
    return {name: dt.date.fromisoformat(day) for day, names in data["until"].items()
            for name in names}


# A sentence reaches back to the previous 。！？; or line break (at most this far).
_SENTENCE_BACK = 160
_SENTENCE_END = re.compile(r"[。！？；;\n]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s{0,2}年")
# The name of a past act: 农业部令2017年第1号, 农业部公告第2号, 国土资源部〔2016〕…
_ACT_AFTER = re.compile(r"\s{0,2}(?:令|公告|〔|\[|［|第\d)")
# A ministry of another country (印尼农业部长, 美国农业部): not a Chinese body.
_FOREIGN_BEFORE = re.compile(
    r"(?:美国|美|日本|日|韩国|韩|俄罗斯|俄|英国|英|法国|法|德国|德|印尼|印度尼西亚|印度|泰国|越南|"
    r"马来西亚|新加坡|菲律宾|澳大利亚|澳|加拿大|巴西|墨西哥|意大利|西班牙|荷兰|比利时|瑞士|瑞典|"
    r"挪威|丹麦|芬兰|波兰|乌克兰|土耳其|伊朗|以色列|埃及|南非|尼日利亚|肯尼亚|巴基斯坦|孟加拉国|"
    r"蒙古|老挝|柬埔寨|缅甸|新西兰|阿根廷|智利|秘鲁|沙特|阿联酋|欧盟|联合国|外国|该国|各国)$")


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(0, start - _SENTENCE_BACK)
    back = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    stop = _SENTENCE_END.search(text, end, min(len(text), end + _SENTENCE_BACK))
    return text[back[-1] if back else lo:stop.start() if stop else min(len(text), end + 80)]


def _in_title(text: str, start: int) -> bool:
    """Inside 《…》: the name is part of an act's or a book's title."""
    lo = max(0, start - _SENTENCE_BACK)
    opened = text.rfind("《", lo, start)
    return opened >= 0 and text.find("》", opened, start) < 0


def institution_in_time(text: str, start: int, end: int, until: dt.date | None,
                        as_of: dt.date | None) -> bool:
    """True where an institution's old name is no error: the document is dated before the
    reform, the date is unknown, the name is part of a past act's title or number, the
    sentence reports a year before the reform, or the body is a foreign one."""
    if until is None:
        return False
    if as_of is None or as_of < until:
        return True
    if _in_title(text, start) or _ACT_AFTER.match(text, end):
        return True
    if _FOREIGN_BEFORE.search(text[max(0, start - 6):start]):
        return True
    return any(int(y) < until.year for y in _YEAR.findall(_sentence(text, start, end)))


def check_lexicon(text: str, *, url: str = "", subject: str = "",
                  lexicon: Lexicon | None = None,
                  as_of: dt.date | None = dt.date.max) -> list[Finding]:
    """One finding per accepted lexicon match.

    ``as_of`` is the document's date (成文日期, else 发布日期, else the capture time):
    institution names are judged by the reforms before it (``reform_dates``); None means the
    date is unknown, so dated names are not judged; the default judges by every reform."""
    lex = lexicon if lexicon is not None else default_lexicon()
    findings = []
    reforms = reform_dates()
    for m in lex.find(text):
        term = m.term
        if term.category == INSTITUTIONS and institution_in_time(
                text, m.start, m.end, reforms.get(term.wrong), as_of):
            continue
        severe = term.severity == SEVERE
        wrong = text[m.start:m.end]
        if term.right:
            message = f"{term.category}：“{wrong}”应为“{term.right}”"
        else:
            message = f"{term.category}：出现“{wrong}”，请核实并删除"
        if term.note:
            message += f"（{term.note}）"
        findings.append(make_finding(
            LEXICON, "W-V1" if severe else REVIEW, text=text, start=m.start, end=m.end,
            message=message, url=url, subject=subject,
            # A veto is never automatic: severe terms wait for a person.
            confidence=Confidence.SUSPECTED if severe else term.confidence,
            item="serious_error" if severe else term.category, category=term.category,
            suggestion=term.right, severity=term.severity, source=term.source,
        ))
    return findings

def document_date(facts, fetched_at: str, ctx):
    """The date a page's wording is judged by: its 成文日期, else its 发布日期, else the day it
    was captured (else the round's reference time)."""
    for value in (facts.written_date, facts.pub_date, fetched_at):
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except (TypeError, ValueError):
            continue
    return ctx.reference_time.date()


def lexicon_terms(page, ctx) -> list[Finding]:
    """GI-T001 on a page's main text, judged by the page's date."""
    facts = page.facts
    if not facts.main_text:
        return []
    return check_lexicon(facts.main_text, url=page.capture.url, subject=page.site.code,
                         lexicon=ctx.lexicon,
                         as_of=document_date(facts, page.capture.fetched_at, ctx))


def spelling_errors(page, ctx) -> list[Finding]:
    """GI-T002 on a page's main text (on demand: too slow for every page of a round)."""
    if not page.facts.main_text:
        return []
    return check_spelling(page.facts.main_text, url=page.capture.url, subject=page.site.code,
                          lexicon=ctx.lexicon)


def reply_referrals(site, page, facts: PageFacts, ctx) -> list[Finding]:
    """Run the commercial-referral text rule (GI-I001) on reply texts that the page's main
    text does not contain (table layouts), so nothing is reported twice."""
    if facts.page_type != "message_detail":
        return []
    from govinspect.rules.site_interaction import complete_messages

    out = []
    for m in complete_messages(page.body, facts):
        if m.reply and m.reply not in (facts.main_text or ""):
            out += check_commercial_referral(m.reply, url=facts.url, subject=site.code)
    return out


def commercial_referrals(page, ctx) -> list[Finding]:
    """GI-I001 on a page's main text and on the reply texts of a message page that the main
    text does not contain (table layouts)."""
    facts = page.facts
    out = []
    if facts.main_text:
        out += check_commercial_referral(facts.main_text, url=page.capture.url,
                                         subject=page.site.code)
    return out + reply_referrals(page.site, page, facts, ctx)



LEXICON = register(Rule(
    id="GI-T001",
    title="错敏词（词库匹配）",
    indicators=("W-V1", REVIEW),
    what="用分类词库（国家领导人、机构名称、会议名称、行政区划、政治表述、法律法规、常见错别字、"
    "敏感词）在页面正文中查找错误写法，给出正确写法。词条可带例外、上下文条件和白名单；"
    "各单位可在工作目录增加本地词库（本地领导、地名）而无需改代码。"
    "机构名称按页面日期判断（成文日期，其次发布日期，其次采集日期）：改革日期以数据记录"
    "（rules/data/reforms.yaml，地方机构按地方改革完成时限），改革前的页面使用旧名称不报；"
    "旧名称出现在书名号内（以往文件的标题）、文号或令号中（农业部令2017年第8号）、所在句子"
    "叙述改革前年份的事（1990年……文化部艺术局），或是外国机构（印尼农业部）时不报。"
    "本规则看不到：页面没有日期又叙述往事而句中无年份的、机构名称写在图片或附件中的。",
    why="党和国家领导人姓名职务、重要提法写错属于“严重表述错误”，是单项否决项；"
    "已撤销机构名称、已废止法规、错别字损害政府网站的权威性和公信力。",
    example="<p>会议强调，要深入学习贯彻习近平新时期中国特色社会主义思想……</p>",
    fix="按建议改正后重新发布；已撤销机构、已废止法规如系历史表述，请加“原”字或注明时间。"
    "严重表述错误应立即更正并按要求报告。",
    basis="W-V1 安全、泄密事故等严重问题（严重表述错误）；国办秘函〔2019〕19号；"
    "其余为内容质量复核项。",
    check=lexicon_terms,
    scope=Scope.PAGE, emits=(("W-V1", "serious_error"), ("REVIEW", ANY_ITEM)),
    recheck=RecheckMode.PAGES,
    needs=("main_text",),
))


# --- 疑似错别字 (statistical) -----------------------------------------------------------


def check_spelling(text: str, *, url: str = "", subject: str = "",
                   lexicon: Lexicon | None = None,
                   thresholds: spelling.Thresholds = spelling.DEFAULT_THRESHOLDS
                   ) -> list[Finding]:
    """Suspected wrong characters (疑似). Whitelisted phrases and lexicon hits are skipped."""
    lex = lexicon if lexicon is not None else default_lexicon()
    skip = lex.whitelisted_spans(normalise(text)) + [(m.start, m.end) for m in lex.find(text)]
    findings = []
    for s in spelling.detect(text, thresholds, skip=skip):
        findings.append(make_finding(
            SPELLING, REVIEW, text=text, start=s.start, end=s.start + 1,
            message=f"疑似错别字：“{s.char}”可能应为“{s.suggestion}”（{s.kind}）",
            url=url, subject=subject,
            confidence=Confidence.CERTAIN if s.certain else Confidence.SUSPECTED, item="疑似错别字",
            category="疑似错别字", suggestion=s.suggestion, gain=s.gain, kind=s.kind,
        ))
    return findings


SPELLING = register(Rule(
    id="GI-T002",
    title="疑似错别字（统计检测）",
    indicators=(REVIEW,),
    what="对词库之外的错别字做统计检测：某个字在上下文中不成词时，尝试同音字和形近字，"
    "若替换后该处文字成为明显更常见的词语组合（依据 jieba 词频），报疑似错别字并给出建议字。"
    "全部离线，不下载模型。",
    why="错别字是检查通报中常见的“内容审核落实不到位”问题，词库只能覆盖已知错误。",
    example="<p>内蒙古自治区乌兰察布市大力培育发展大数局产业。</p>（“局”应为“据”）",
    fix="核对原文后改正；确属专有名词的，加入本单位白名单。",
    basis="内容质量复核项（通报中“表述错误、错别字”问题）；不单独计分。",
    check=spelling_errors,
    scope=Scope.PAGE, emits=(("REVIEW", "疑似错别字"),),
    needs=("main_text",), by_default=False,
))


# --- 引导网民通过商业媒体查阅政府信息 ------------------------------------------------------

_MEDIA = (r"(?:百度|度娘|搜狗|360搜索|必应|谷歌|google|baidu|bing|头条搜索|今日头条|抖音|快手|"
          r"小红书|知乎|微博热搜|夸克)")
_LOOKUP = r"(?:搜索|搜一下|搜一搜|查询|查阅|查找|查看|了解|查到|检索|一下)"
_REFERRAL = re.compile(
    rf"(?:请|可|可以|建议|自行|您可|烦请|麻烦|通过|登录|上|在|到|用|使用)[^。！？\n]{{0,8}}?"
    rf"{_MEDIA}[^。！？\n]{{0,10}}?{_LOOKUP}"
    rf"|自行{_MEDIA}",
    re.IGNORECASE,
)


def check_commercial_referral(text: str, *, url: str = "", subject: str = "") -> list[Finding]:
    """Replies that send the public to search engines or commercial apps for government
    information (seed 通报: "提示网民通过商业媒体查阅政府信息")."""
    findings = []
    for m in _REFERRAL.finditer(text):
        findings.append(make_finding(
            REFERRAL, "W-D19", text=text, start=m.start(), end=m.end(),
            message=f"答复引导网民通过商业媒体查阅政府信息：“{m.group()}”",
            url=url, subject=subject, confidence=Confidence.SUSPECTED, item="low_quality",
            category="商业媒体引导", suggestion="直接答复或给出本网站、政府信息公开专栏的链接",
        ))
    return findings


REFERRAL = register(Rule(
    id="GI-I001",
    title="答复引导网民通过商业媒体查阅政府信息",
    indicators=("W-D19",),
    what="在留言答复中查找让网民“自行百度”“通过搜索引擎/商业平台查询”政府信息的表述。",
    why="政府信息应由政府网站权威发布；把网民推给商业搜索或商业平台属于履职不到位，"
    "存在网络舆情隐患，检查通报将其列为留言办理问题，答复质量差按W-D19扣分。",
    example="<div class=\"reply\">您好，相关政策请您自行百度搜索“稳岗补贴”查看。</div>",
    fix="在答复中直接说明政策内容，或给出本网站政策文件、信息公开专栏的具体链接。",
    basis="W-D19 办理答复（答复质量差）；滁州市2022年第二季度检查通报“提示网民通过商业媒体"
    "查阅政府信息”。",
    check=commercial_referrals,
    scope=Scope.PAGE, emits=(("W-D19", "low_quality"),),
    recheck=RecheckMode.PAGES,
    needs=("main_text", "messages"),
))


# --- everything on one text -------------------------------------------------------------


def check_text(text: str, *, url: str = "", subject: str = "",
               lexicon: Lexicon | None = None, with_spelling: bool = True,
               as_of: dt.date | None = dt.date.max) -> list[Finding]:
    """All text rules on one extracted text, ordered by position (``as_of``: see
    ``check_lexicon``)."""
    from govinspect.rules.privacy import check_privacy

    findings = check_lexicon(text, url=url, subject=subject, lexicon=lexicon, as_of=as_of)
    if with_spelling:
        findings += check_spelling(text, url=url, subject=subject, lexicon=lexicon)
    findings += check_privacy(text, url=url, subject=subject)
    findings += check_commercial_referral(text, url=url, subject=subject)
    return sorted(findings, key=lambda f: (f.details["start"], f.rule_id))
