"""Findings reports: the round's problem list as .xlsx (one combined workbook plus one
整改清单 per site) and an HTML summary page. Pure rendering: plain data in, files out.

Findings of bonus indicators (family ``bonus``, e.g. W-B1 数据发布) are 加分 evidence, not
problems: ``split_bonus`` keeps them out of ``SiteReport.findings``, so no problem list or
problem count shows them; they reach the score (its bonus lines) and findings.json only."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.types import Finding, SiteRef
from govinspect.indicators.engine import SiteScore
from govinspect.reports.atomic import atomic_path, write_text


@dataclass(frozen=True)
class SiteReport:
    site: SiteRef
    unit: str
    region: str
    score: SiteScore
    findings: tuple[Finding, ...]  # problems only (see split_bonus)
    pages: int = 0  # captures in this round
    bonus_findings: tuple[Finding, ...] = ()  # 加分 evidence: never listed as a problem


@dataclass(frozen=True)
class RoundReport:
    round_name: str
    reference_time: str  # ISO
    indicator_set: str  # display name
    generated_at: str
    sites: tuple[SiteReport, ...] = field(default_factory=tuple)

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


def _item_label(f: Finding) -> str:
    return {"homepage": "首页", "other": "其他页面"}.get(f.item, f.item)


def _finding_row(site: SiteRef, f: Finding) -> list:
    return [site.code, site.name, f.rule_id, f.indicator_id, _item_label(f), f.confidence.value,
            f.message, f.evidence.url, f.evidence.parent_url or "", f.evidence.context,
            f.evidence.capture or "", f.fingerprint]


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
    rows = [_finding_row(s.site, f) for s in ranked(report) for f in s.findings]
    _write_sheet(wb.create_sheet("问题清单"), FINDING_COLUMNS, rows, _FINDING_WIDTHS)
    return _save(wb, path)


def write_site_workbook(report: RoundReport, site: SiteReport, path: Path) -> Path:
    """The 整改清单 a unit receives: its own findings only."""
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    _write_sheet(ws, FINDING_COLUMNS, [_finding_row(site.site, f) for f in site.findings],
                 _FINDING_WIDTHS)
    info = wb.create_sheet("说明")
    for line in (["检查轮次", report.round_name], ["检查时间点", report.reference_time],
                 ["指标体系", report.indicator_set], ["网站", f"{site.site.name}（{site.site.code}）"],
                 ["得分", site.score.score_text], ["问题数", len(site.findings)],
                 ["整改要求", "请逐条核实整改，整改完成后在平台标记“已整改”并申请复查。"]):
        info.append(line)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 14, 60
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
        site_file_name=site_file_name, item_label=_item_label, verdict=verdict,
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
