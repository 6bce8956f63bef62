"""Findings reports: the round's problem list as .xlsx (one combined workbook plus one
整改清单 per site) and an HTML summary page. Pure rendering: plain data in, files out.

Findings of bonus indicators (family ``bonus``, e.g. W-B1 数据发布) are 加分 evidence, not
problems: ``split_bonus`` keeps them out of ``SiteReport.findings``, so no problem list or
problem count shows them; they reach the score (its bonus lines) and findings.json only."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.types import Finding, SiteRef
from govinspect.indicators.engine import Deduction, SiteScore
from govinspect.reports.atomic import atomic_path, write_text


@dataclass(frozen=True)
class PageRef:
    """What the round archived of one page: its title and the capture (WARC file#offset)."""

    title: str = ""
    capture: str = ""
    fetched_at: str = ""  # local time, minutes


@dataclass(frozen=True)
class SiteReport:
    site: SiteRef
    unit: str
    region: str
    score: SiteScore
    findings: tuple[Finding, ...]  # problems only (see split_bonus)
    pages: int = 0  # captures in this round
    bonus_findings: tuple[Finding, ...] = ()  # 加分 evidence: never listed as a problem
    # fingerprint → 复核状态 (待复核 / 已确认 / 人工录入); absent: not reviewed
    review: Mapping[str, str] = field(default_factory=dict, compare=False)
    # the fingerprints the score counts; None: every finding counts
    counted: frozenset[str] | None = None
    # URL → title and capture of the archived page (the 整改清单's 证据 column)
    page_refs: Mapping[str, PageRef] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class RoundReport:
    round_name: str
    reference_time: str  # ISO
    indicator_set: str  # display name
    generated_at: str
    sites: tuple[SiteReport, ...] = field(default_factory=tuple)
    iset: IndicatorSet | None = field(default=None, compare=False)  # item names, fix advice
    deadline: str = ""  # 整改期限 (the 通报's), e.g. 2022年8月10日

    @property
    def total_findings(self) -> int:
        return sum(len(s.findings) for s in self.sites)


def is_bonus(f: Finding, iset: IndicatorSet) -> bool:
    """A finding of a bonus indicator: 加分 evidence, not a problem to fix."""
    return (iset.indicators.get(f.indicator_id) or {}).get("family") == "bonus"


def split_bonus(findings, iset: IndicatorSet) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(problems, bonus findings), each in the given order."""
    found = list(findings)
    return (tuple(f for f in found if not is_bonus(f, iset)),
            tuple(f for f in found if is_bonus(f, iset)))


FINDING_COLUMNS = ["网站标识码", "网站名称", "规则", "指标", "扣分项", "置信度", "问题描述",
                   "问题地址", "所在页面", "上下文", "证据（WARC）", "指纹"]
SUMMARY_COLUMNS = ["排名", "网站标识码", "网站名称", "网站类型", "主办单位", "所属地区",
                   "采集页面数", "问题数", "扣分", "得分", "结论"]

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="9C0006")


def _item_label(f: Finding, iset: IndicatorSet | None = None) -> str:
    """The deduction item in words (首页, 其他页面, 抽查范围外…), never an internal code."""
    if f.item in ("homepage", "other"):
        return {"homepage": "首页", "other": "其他页面"}[f.item]
    if iset is not None:
        from govinspect.reports.rectification import item_title

        return item_title(iset, f.indicator_id, f.item, f.rule_id)
    return f.item


def capture_text(f: Finding, refs: Mapping[str, PageRef]) -> str:
    """The capture a finding's evidence is in: its own, else its page's, else the page it
    was linked from (a broken link's target was never archived, the page with the link was)."""
    if f.evidence.capture:
        return f.evidence.capture
    for url in (f.evidence.url, f.evidence.parent_url):
        ref = refs.get(url or "")
        if ref is not None and ref.capture:
            when = f"（{ref.fetched_at} 采集）" if ref.fetched_at else ""
            return f"{ref.capture}{when}"
    return ""


def _finding_row(site: SiteReport, f: Finding, iset: IndicatorSet | None = None) -> list:
    return [site.site.code, site.site.name, f.rule_id, f.indicator_id, _item_label(f, iset),
            f.confidence.value, f.message, f.evidence.url, f.evidence.parent_url or "",
            f.evidence.context, capture_text(f, site.page_refs), f.fingerprint]


def _write_sheet(ws, columns: list[str], rows: list[list], widths: dict[int, int]) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width


def verdict(score: SiteScore) -> str:
    """合格 / 不合格, naming the veto indicators when a veto decided it."""
    if score.vetoes:
        return f"不合格（单项否决 {'、'.join(sorted({v.indicator_id for v in score.vetoes}))}）"
    if score.pending:
        return f"待核实（{'；'.join(score.pending)}）"
    return score.result


def ranked(report: RoundReport) -> list[SiteReport]:
    """Scored sites by score, then vetoed / veto-only sites, then the sites the round could
    not inspect (待核实, never ranked), each group by code."""
    return sorted(report.sites, key=lambda s: (bool(s.score.pending), s.score.score is None,
                                               -(s.score.score or 0), s.site.code))


def _summary_rows(report: RoundReport) -> list[list]:
    rows = []
    for rank, s in enumerate(ranked(report), start=1):
        deducted = float(sum(d.applied for d in s.score.deductions))
        rows.append(["—" if s.score.pending else rank, s.site.code, s.site.name, s.site.kind.value, s.unit, s.region,
                     s.pages, len(s.findings), round(deducted, 2), s.score.score,
                     verdict(s.score)])
    return rows


_FINDING_WIDTHS = {1: 13, 2: 24, 3: 10, 4: 8, 5: 10, 6: 8, 7: 60, 8: 50, 9: 50, 10: 30, 11: 30}


def write_round_workbook(report: RoundReport, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    _write_sheet(ws, SUMMARY_COLUMNS, _summary_rows(report),
                 {1: 6, 2: 13, 3: 28, 4: 8, 5: 24, 6: 10, 7: 10, 8: 8, 9: 8, 10: 8, 11: 8})
    rows = [_finding_row(s, f, report.iset) for s in ranked(report) for f in s.findings]
    _write_sheet(wb.create_sheet("问题清单"), FINDING_COLUMNS, rows, _FINDING_WIDTHS)
    return _save(wb, path)


# ── the 整改清单 a unit receives ─────────────────────────────────────────────────────────

RECTIFY_COLUMNS = ["序号", "问题", "问题描述", "问题网址", "页面标题", "所在页面", "涉及页面数",
                   "证据（网页快照）", "上下文摘录", "扣分", "整改建议", "整改期限", "状态",
                   "问题编号"]
PAGE_COLUMNS = ["问题编号", "问题", "问题网址", "所在页面", "证据（网页快照）"]
DEDUCTING_SHEET, OTHER_SHEET, PAGES_SHEET = "整改清单", "不扣分及待复核", "涉及页面"
_EXCERPT = 200


@dataclass(frozen=True)
class RectificationRow:
    """One row of a unit's 整改清单: one problem (``group``) with what the unit needs."""

    group: object  # reports.rectification.RectificationGroup
    title: str  # the problem in the indicator set's words
    points: str  # "-0.60", "单项否决", "0", "—"
    deducts: bool
    status: str
    advice: str

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.group.findings


def _points_by_fingerprint(score: SiteScore) -> tuple[dict[str, Decimal], dict[str, str],
                                                       dict[str, Deduction]]:
    """fingerprint → points taken, → why not counted (R9, once), → its indicator's deduction
    when the indicator's cap cut it."""
    points: dict[str, Decimal] = {}
    notes: dict[str, str] = {}
    capped: dict[str, Deduction] = {}
    for d in score.deductions:
        for line in d.lines:
            points[line.fingerprint] = points.get(line.fingerprint, Decimal(0)) + line.points
            if line.note:
                notes[line.fingerprint] = line.note
            if d.applied < d.raw:
                capped[line.fingerprint] = d
    return points, notes, capped


def rectification_rows(site: SiteReport, iset: IndicatorSet | None) -> list[RectificationRow]:
    """The unit's problems, one row per problem (repeated per-page findings grouped, with
    their pages): deducting rows first (vetoes, then by points taken), then the rows that
    deduct nothing (抽查范围外, 待复核 …), each with its points, fix advice and status."""
    from govinspect.reports.rectification import fix_advice, group_findings, item_title

    points, notes, capped = _points_by_fingerprint(site.score)
    vetoed = {fp for v in site.score.vetoes for fp in v.fingerprints}
    rows: list[RectificationRow] = []
    for group in group_findings(site.findings, lambda _code: site.site.code):
        fps = group.fingerprints
        k = group.key
        title = item_title(iset, k.indicator_id, k.item, k.rule_id)
        counted = [fp for fp in fps if site.counted is None or fp in site.counted]
        waiting = [fp for fp in fps if site.review.get(fp) == "待复核" and fp not in counted]
        taken = sum((points.get(fp, Decimal(0)) for fp in counted), Decimal(0))
        if any(fp in vetoed for fp in counted):
            shown, deducts, status = "单项否决", True, "待整改"
        elif site.score.pending and counted:
            shown, deducts = "—", False
            status = "待核实：本轮未能检查该网站，不计分"
        elif taken > 0:
            status = "待整改"
            cap = next((capped[fp] for fp in counted if fp in capped), None)
            if cap is not None:  # the indicator takes at most its cap, whatever the count
                taken = min(taken, cap.applied_exact)
                status += f"（{cap.indicator_id} 已达扣分上限 {cap.applied:g} 分）"
            shown, deducts = f"-{taken:.2f}", True
        elif waiting:
            shown, deducts = "—", False
            status = "待复核：疑似问题，经人工确认后计入得分"
        else:
            shown, deducts = "0", False
            why = next((notes[fp] for fp in counted if fp in notes), "")
            status = f"不扣分（{why}），仍须整改" if why else "不扣分，仍须整改"
        advice = fix_advice(k.rule_id, iset, k.indicator_id)
        rows.append(RectificationRow(group, title, shown, deducts, status, advice))
    def weight(r: RectificationRow) -> Decimal:
        return Decimal(r.points[1:]) if r.points.startswith("-") else Decimal(0)

    # deducting first: vetoes, then most points taken; then the rest, in group order
    order = {id(r): i for i, r in enumerate(rows)}
    rows.sort(key=lambda r: (not r.deducts, r.points != "单项否决", -weight(r), order[id(r)]))
    return rows


def _rectify_row(n: int, row: RectificationRow, site: SiteReport, deadline: str) -> list:
    group = row.group
    first = group.findings[0]
    pages = group.pages
    parent = group.parent_pages[0] if group.parent_pages else ""
    ref = site.page_refs.get(pages[0]) or site.page_refs.get(parent) or PageRef()
    context = first.evidence.context or ""
    if len(context) > _EXCERPT:
        context = context[:_EXCERPT] + "…"
    return [n, row.title, group.message, pages[0] + (f" 等 {len(pages)} 个页面（见“涉及页面”表）"
                                                     if len(pages) > 1 else ""),
            ref.title, parent, len(pages), capture_text(first, site.page_refs), context,
            row.points, row.advice, deadline, row.status, group.key.id]


_RECTIFY_WIDTHS = {1: 6, 2: 36, 3: 50, 4: 50, 5: 28, 6: 40, 7: 8, 8: 36, 9: 40, 10: 9,
                   11: 50, 12: 14, 13: 28, 14: 22}


def write_site_workbook(report: RoundReport, site: SiteReport, path: Path) -> Path:
    """The 整改清单 a unit receives: its own problems, one row per problem (the pages of a
    grouped problem in the 涉及页面 sheet); deducting rows in the first sheet, rows that
    deduct nothing (抽查范围外, 待复核 …) in their own sheet."""
    rows = rectification_rows(site, report.iset)
    deducting = [r for r in rows if r.deducts]
    other = [r for r in rows if not r.deducts]
    wb = Workbook()
    ws = wb.active
    ws.title = DEDUCTING_SHEET
    _write_sheet(ws, RECTIFY_COLUMNS,
                 [_rectify_row(n, r, site, report.deadline)
                  for n, r in enumerate(deducting, start=1)], _RECTIFY_WIDTHS)
    _write_sheet(wb.create_sheet(OTHER_SHEET), RECTIFY_COLUMNS,
                 [_rectify_row(n, r, site, report.deadline)
                  for n, r in enumerate(other, start=1)], _RECTIFY_WIDTHS)
    page_rows = []
    for r in rows:
        if len(r.group.pages) > 1:
            for f in r.findings:
                page_rows.append([r.group.key.id, r.title, f.evidence.url,
                                  f.evidence.parent_url or "", capture_text(f, site.page_refs)])
    _write_sheet(wb.create_sheet(PAGES_SHEET), PAGE_COLUMNS, page_rows,
                 {1: 22, 2: 36, 3: 60, 4: 60, 5: 36})
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    info = wb.create_sheet("说明")
    for line in (["检查轮次", report.round_name], ["检查时间点", report.reference_time],
                 ["指标体系", report.indicator_set], ["网站", f"{site.site.name}（{site.site.code}）"],
                 ["得分", site.score.score_text], ["问题数", len(site.findings)],
                 ["扣分问题", len(deducting)], ["不扣分及待复核问题", len(other)],
                 ["整改期限", report.deadline or "见通报"],
                 ["整改要求", "请逐条核实整改，整改完成后在平台标记“已整改”并申请复查。"
                              "同一问题出现在多个页面的合并为一行，页面清单见“涉及页面”表。"]):
        info.append(line)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 18, 60
    return _save(wb, path)


def _save(wb: Workbook, path: Path) -> Path:
    """Write to a temporary name first so a crash never leaves a half-written report."""
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


_env = Environment(loader=PackageLoader("govinspect.reports", "templates"),
                   autoescape=select_autoescape(["html"]))


def site_file_name(site: SiteRef) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", site.name)
    return f"{site.code}-{safe}.xlsx"


def render_summary_html(report: RoundReport) -> str:
    by_indicator = Counter(f.indicator_id for s in report.sites for f in s.findings)
    return _env.get_template("round_summary.html").render(
        report=report, sites=ranked(report), by_indicator=sorted(by_indicator.items()),
        site_file_name=site_file_name, item_label=lambda f: _item_label(f, report.iset),
        verdict=verdict,
    )


def write_round_reports(report: RoundReport, out_dir: Path) -> list[Path]:
    """Everything the office hands out for a round's findings. Returns the files written."""
    written = [write_round_workbook(report, out_dir / f"{report.round_name}-问题清单.xlsx")]
    for site in report.sites:
        written.append(write_site_workbook(report, site,
                                           out_dir / "整改清单" / site_file_name(site.site)))
    written.append(write_text(out_dir / f"{report.round_name}-汇总.html",
                              render_summary_html(report)))
    return written
