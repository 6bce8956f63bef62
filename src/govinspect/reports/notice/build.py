"""Round summary + indicator set + meta → the 通报 (pure; text templates are data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from importlib import resources
from pathlib import Path

import jinja2
import yaml

from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.rates import change_phrase, percent
from govinspect.indicators.round import AccountResult, RoundSummary, SiteResult
from govinspect.reports.notice.model import Notice, NoticeMeta, Paragraph, Table

CN_DIGITS = "〇一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_period(start: dt.date, end: dt.date) -> str:
    if start.year == end.year:
        return f"{cn_date(start)}至{end.month}月{end.day}日"
    return f"{cn_date(start)}至{cn_date(end)}"


class NoticeTemplateError(ValueError):
    pass


# what section 一（三）政务公开 says when the inspectors entered nothing for the round
OPENNESS_EMPTY = "本轮未录入政务公开检查情况（录入：govinspect review openness）。"


def _env(template_dirs: Sequence[Path]) -> jinja2.Environment:
    shipped = resources.files("govinspect.reports").joinpath("templates/notice")
    loaders = [jinja2.FileSystemLoader([str(p) for p in template_dirs])] if template_dirs else []
    loaders.append(jinja2.FileSystemLoader(str(shipped)))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                              autoescape=False, keep_trailing_newline=False)


def load_settings(template_dirs: Sequence[Path] = ()) -> dict:
    for folder in [*map(Path, template_dirs)]:
        path = folder / "notice.yaml"
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    shipped = resources.files("govinspect.reports").joinpath("templates/notice/notice.yaml")
    return yaml.safe_load(shipped.read_text(encoding="utf-8")) or {}


def _render(env: jinja2.Environment, source: str, **context) -> str:
    try:
        return env.from_string(source).render(**context)
    except jinja2.TemplateError as exc:
        raise NoticeTemplateError(f"通报模板有误：{source[:40]}…：{exc}") from exc


def _join_units(names: list[str], limit: int) -> tuple[str, str]:
    if len(names) > limit:
        return "、".join(names[:limit]), "等"
    return "、".join(names), ""


def _quoted_accounts(results: list[AccountResult]) -> str:
    """“A”“B”微信订阅号，“C”新浪微博 — grouped by platform, in roster order."""
    by_platform: dict[str, list[str]] = {}
    for a in results:
        by_platform.setdefault(a.entry.platform, []).append(f"“{a.entry.name}”")
    return "，".join("".join(names) + platform for platform, names in by_platform.items())


def _problem_sections(summary: RoundSummary, iset: IndicatorSet, settings: dict,
                      env: jinja2.Environment, named: set[str] | None = None) -> list[dict]:
    """The 主要问题 sections; ``named`` collects the site labels they print."""
    named = set() if named is None else named
    limit = int(settings.get("max_units", 6))
    sections = []
    for conf in settings.get("problem_sections") or ():
        clauses: list[str] = []
        for indicator_id in conf.get("sites") or ():
            # a bonus indicator (加分) names no problem, even if an office's notice.yaml lists it
            if indicator_id not in iset.indicators or iset.family(indicator_id) == "bonus":
                continue
            if iset.family(indicator_id) == "veto":
                by_sentence: dict[str, list[SiteResult]] = {}
                for r in summary.sites:
                    for v in r.score.vetoes:
                        if v.indicator_id == indicator_id:
                            by_sentence.setdefault(v.sentence, []).append(r)
                for sentence, results in by_sentence.items():
                    named.update(r.entry.label for r in results)
                    units = "、".join(r.entry.label for r in results)
                    clauses.append(_render(env, settings["veto_sentence"], units=units,
                                           sentence=sentence, document=iset.document_title))
            else:
                hit = [(r, d) for r in summary.sites for d in r.score.deductions
                       if d.indicator_id == indicator_id and d.applied > 0]
                if not hit:
                    continue
                order = {id(r): i for i, r in enumerate(summary.sites)}
                hit.sort(key=lambda rd: (-rd[1].applied, order[id(rd[0])]))
                units, more = _join_units([r.entry.label for r, _ in hit], limit)
                named.update(units.split("、"))
                clauses.append(_render(env, settings["deduction_sentence"], units=units,
                                       more=more, sentence=iset.sentence(indicator_id)))
        for indicator_id in conf.get("accounts") or ():
            if indicator_id not in iset.indicators or iset.family(indicator_id) == "bonus":
                continue
            if iset.family(indicator_id) == "veto":
                by_sentence_a: dict[str, list[AccountResult]] = {}
                for a in summary.accounts:
                    for v in a.score.vetoes:
                        if v.indicator_id == indicator_id:
                            by_sentence_a.setdefault(v.sentence, []).append(a)
                groups = by_sentence_a.items()
            else:
                hits = [a for a in summary.accounts
                        if any(f.indicator_id == indicator_id for f in a.score.problems)]
                groups = [(iset.sentence(indicator_id), hits)] if hits else []
            for sentence, results in groups:
                clauses.append(_render(env, settings["account_veto_sentence"],
                                       accounts=_quoted_accounts(results), sentence=sentence))
        if clauses:
            sections.append({"heading": conf["heading"], "paragraphs": ["；".join(clauses) + "。"]})
    for number, section in enumerate(sections, start=1):
        section["number"] = cn_number(number)
    return sections


def top_rule(iset: IndicatorSet, summary: RoundSummary) -> dict:
    """The indicator set's rule for "评分靠前" (``scoring.top``): at least ``at_least`` points
    (default: the summary's 90-point line), no 单项否决, not named in the 主要问题 section
    (``not_named_in_problems``, default true), highest first, at most ``max`` sites (none:
    all)."""
    rule = dict((iset.scoring or {}).get("top") or {})
    rule.setdefault("at_least", summary.options.top_at_least)
    rule.setdefault("max", None)
    rule.setdefault("not_named_in_problems", True)
    return rule


def top_sites(summary: RoundSummary, iset: IndicatorSet, named: set[str]) -> list[SiteResult]:
    """The sites the 通报 names as 评分靠前, by the set's rule (``top_rule``), portals first."""
    rule = top_rule(iset, summary)
    line = Decimal(str(rule["at_least"]))
    named = named if rule["not_named_in_problems"] else set()
    picked = [r for r in summary.at_least
              if r.score.final is not None and r.score.final >= line and not r.score.vetoes
              and not r.score.pending and r.entry.label not in named]
    order = {id(r): i for i, r in enumerate(summary.at_least)}
    if rule["max"]:
        best = sorted(picked, key=lambda r: (-r.score.final, order[id(r)]))[:int(rule["max"])]
        keep = {id(r) for r in best}
        picked = [r for r in picked if id(r) in keep]
    return picked


def _top_sentence(summary: RoundSummary, top: list[SiteResult] | None = None) -> str:
    top = list(summary.at_least) if top is None else top
    portals = [r.entry.label for r in top if r.entry.site.kind.value == "门户"]
    others = [r.entry.label for r in top if r.entry.site.kind.value != "门户"]
    parts = []
    if portals:
        parts.append("、".join(portals) + "政府门户网站")
    if others:
        parts.append("、".join(others) + "等部门网站")
    return "，".join(parts) + "评分靠前。" if parts else ""


def _attachment_tables(summary: RoundSummary, iset: IndicatorSet, settings: dict,
                       env: jinja2.Environment, context: dict) -> tuple[Table, ...]:
    confs = settings.get("attachments") or []
    conf = [dict(c, title=_render(env, c.get("title", ""), **context)) for c in confs]
    while len(conf) < 3:
        conf.append({"label": f"附件{len(conf) + 1}", "title": ""})
    ranking_rows = tuple((str(r.rank), r.result.entry.site.code, r.result.entry.site.name,
                          r.score_text) for r in summary.ranking)
    has_pass_only = any(r.result.score.final is None for r in summary.ranking)
    t1 = Table(conf[0]["label"], conf[0]["title"], ("排名", "网站标识码", "网站名称", "得分"),
               ranking_rows, conf[0].get("note", "") if has_pass_only else "")
    site_rows = []
    for i, r in enumerate(summary.sites_failed, start=1):
        problems = list(dict.fromkeys(v.problem for v in r.score.vetoes))
        if not problems:
            problems = [settings.get("fail_problem", "得分低于60分")]
        site_rows.append((str(i), r.entry.site.name, r.entry.site.code, r.entry.site.homepage,
                          r.score.result, "；".join(problems)))
    t2 = Table(conf[1]["label"], conf[1]["title"],
               ("序号", "网站名称", "网站标识码", "首页网址", "结果", "存在的突出问题"),
               tuple(site_rows), conf[1].get("note", ""))
    acc_rows = []
    for i, a in enumerate(summary.accounts_failed, start=1):
        name = a.entry.name + (f"（认证主体：{a.entry.owner}）" if a.entry.owner else "")
        problems = "；".join(dict.fromkeys(v.problem for v in a.score.vetoes))
        acc_rows.append((str(i), name, a.entry.code, a.entry.platform, a.score.result, problems))
    t3 = Table(conf[2]["label"], conf[2]["title"],
               ("序号", "新媒体名称", "新媒体标识码", "类型", "结果", "存在的突出问题"),
               tuple(acc_rows), conf[2].get("note", ""))
    return (t1, t2, t3)


def notice_context(summary: RoundSummary, iset: IndicatorSet, meta: NoticeMeta) -> dict:
    """The figures the text templates can use (documented in docs/scoring.md)."""
    opts = summary.options
    context: dict = {
        "issuer": meta.issuer, "year": meta.year, "quarter": meta.quarter,
        "quarter_cn": cn_number(meta.quarter), "quarter_short": cn_number(meta.quarter),
        "period": cn_period(meta.check_start, meta.check_end),
        "issued_on": cn_date(meta.issued_on),
        "rectify_deadline": cn_date(meta.rectify_deadline) if meta.rectify_deadline else "",
        "sites_checked": summary.sites_checked, "sites_failed": len(summary.sites_failed),
        "site_pass_rate": percent(summary.site_pass_rate),
        "entered_bonus": len(summary.entered_bonus),
        "entered_bonus_rate": percent(summary.entered_bonus_rate),
        "above_line": f"{opts.above.normalize():f}", "above_count": len(summary.above),
        "top_line": f"{opts.top_at_least.normalize():f}", "top_count": len(summary.at_least),
        "top_sentence": _top_sentence(summary),
        "accounts_checked": summary.accounts_checked,
        "accounts_by_region": "、".join(f"{region}{n}个"
                                       for region, n in summary.accounts_by_region),
        "failed_accounts": _quoted_accounts(list(summary.accounts_failed)),
        "account_pass_rate": percent(summary.account_pass_rate),
        "openness_text": meta.openness_text or OPENNESS_EMPTY,
        "doc_number": meta.doc_number,
        "document": iset.document_title,
        "inquiry": None,
    }
    stats = summary.inquiries
    if stats is not None:
        bands = []
        for limit, count, value in zip(stats.limits, stats.counts, stats.rates, strict=False):
            key = f"inquiry_within_{limit}_rate"
            bands.append({"limit": limit, "count": count, "rate": percent(value),
                          "change": change_phrase(value, summary.previous.get(key),
                                                  meta.previous_period)})
        context["inquiry"] = {"bands": bands, "later": stats.later_or_never}
    return context


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    marks = {"!docno ": "docno", "!title ": "title", "!to ": "to", "## ": "h2", "# ": "h1", "!att ": "att",
             "!sign ": "sign", "!date ": "date"}
    out: list[Paragraph] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for mark, style in marks.items():
            if line.startswith(mark):
                out.append(Paragraph(style, line[len(mark):].strip()))
                break
        else:
            if line.startswith("+ "):
                body = line[2:].strip()
                head, sep, rest = body.partition("。")
                out.append(Paragraph("lead", rest, head + sep) if sep else Paragraph("body", body))
            else:
                out.append(Paragraph("body", line))
    return tuple(out)


def build_notice(summary: RoundSummary, iset: IndicatorSet, meta: NoticeMeta,
                 template_dirs: Sequence[Path] = ()) -> Notice:
    """The 通报 for a scored round. ``template_dirs``: the office's folders with its own
    notice.yaml / notice.txt.j2 / requirements.txt.j2 (each file falls back to the shipped one).
    """
    env = _env(template_dirs)
    settings = load_settings(template_dirs)
    context = notice_context(summary, iset, meta)
    context["title"] = _render(env, settings["title"], **context)
    context["recipients"] = settings.get("recipients", "")
    context["inspector"] = settings.get("inspector", meta.issuer)
    named: set[str] = set()
    context["problem_sections"] = _problem_sections(summary, iset, settings, env, named)
    # 评分靠前 by the set's rule, never a site the 主要问题 section names
    context["top_sentence"] = _top_sentence(summary, top_sites(summary, iset, named))
    tables = _attachment_tables(summary, iset, settings, env, context)
    # every attachment is listed; an empty one prints "无" (the office sees it was checked)
    # (an attachment the office's notice.yaml does not name, and that is empty, is left out)
    listed = [replace(t, label=f"附件{i}")
              for i, t in enumerate((t for t in tables if t.rows or t.title), start=1)]
    context["attachment_list"] = "　".join(
        f"{i}．{t.title}" for i, t in enumerate(listed, start=1))
    try:
        body = env.get_template("notice.txt.j2").render(**context)
    except jinja2.TemplateError as exc:
        raise NoticeTemplateError(f"通报模板 notice.txt.j2 有误：{exc}") from exc
    paragraphs = _paragraphs(body)
    # the attachment list is one paragraph per attachment, as 公文 lay it out
    expanded: list[Paragraph] = []
    for p in paragraphs:
        if p.style == "att":
            for i, t in enumerate(listed, start=1):
                expanded.append(Paragraph("att", ("附件：" if i == 1 else "　　　")
                                          + f"{i}．{t.title}"))
        else:
            expanded.append(p)
    return Notice(context["title"], tuple(expanded), tuple(listed))
