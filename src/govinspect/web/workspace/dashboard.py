"""The round dashboard's figures, tables and charts, from the same computation as the 通报:
``rounds.notice.score_db_round`` (the scored round, reviewed state included) and
``reports.notice.build_notice`` (its attachments' tables and figure strings). Nothing here
recomputes a rate or a ranking; rows of units the user may not see are left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.rates import change_phrase
from govinspect.indicators.round import RoundSummary
from govinspect.reports.notice import Table, build_notice, notice_context
from govinspect.web.rounds.models import Round
from govinspect.web.rounds.notice import notice_meta, previous_round, score_db_round
from govinspect.web.workspace import charts

# The 通报's attachment tables, by their columns (reports/notice/build.py).
RANKING_COLUMNS = ("排名", "网站标识码", "网站名称", "得分")
FAILED_SITE_COLUMNS = ("序号", "网站名称", "网站标识码", "首页网址", "结果", "存在的突出问题")
PERIOD = "上一轮"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    change: str = ""
    note: str = ""


@dataclass
class Dashboard:
    round: Round
    summary: RoundSummary
    figures: list[Figure]
    ranking: list[tuple]  # rows of 附件1 (排名, 网站标识码, 网站名称, 得分)
    unranked: list[tuple]  # (网站标识码, 网站名称, 网站类型, 得分) of sites 附件1 does not rank
    failed: list[tuple]  # rows of the failed-sites attachment (序号 … 存在的突出问题)
    histogram: str
    changes: str
    previous_name: str = ""
    all_sites: bool = True
    errors: list[str] = field(default_factory=list)


def _table(tables: tuple[Table, ...], columns: tuple[str, ...]) -> Table | None:
    return next((t for t in tables if tuple(t.header) == columns), None)


def build_dashboard(round_: Round, scope) -> Dashboard:
    """Everything the dashboard shows for ``round_`` as ``scope``'s user may see it: the
    round-wide figures (rates and counts, no unit named) and the rows of its own sites."""
    iset = load_indicator_set(round_.indicator_set)
    summary = score_db_round(round_)
    meta = notice_meta(round_)
    context = notice_context(summary, iset, meta)
    visible = set(scope.sites(round_.sites.all()).values_list("code", flat=True))

    def change(metric: str) -> str:
        return change_phrase(summary.metrics.get(metric), summary.previous.get(metric), PERIOD)

    figures = [
        Figure("检查网站", f"{context['sites_checked']} 家",
               note=f"不合格 {context['sites_failed']} 家"),
        Figure("网站合格率", context["site_pass_rate"], change("site_pass_rate")),
        Figure("进入加分环节占比", context["entered_bonus_rate"], change("entered_bonus_rate"),
               note=f"{context['entered_bonus']} 家"),
        Figure(f"得分在{context['top_line']}分以上", f"{context['top_count']} 家"),
    ]
    for band in (context["inquiry"] or {}).get("bands", ()):
        figures.append(Figure(f"{band['limit']}个工作日内有效答复占比", band["rate"],
                              change(f"inquiry_within_{band['limit']}_rate"),
                              note=f"{band['count']} 家"))
    if summary.accounts_checked:
        figures.append(Figure("政务新媒体合格率", context["account_pass_rate"],
                              change("account_pass_rate"),
                              note=f"检查 {summary.accounts_checked} 个"))

    notice = build_notice(summary, iset, meta)
    ranking_table = _table(notice.attachments, RANKING_COLUMNS)
    failed_table = _table(notice.attachments, FAILED_SITE_COLUMNS)
    ranking = [row for row in (ranking_table.rows if ranking_table else ()) if row[1] in visible]
    failed = [row for row in (failed_table.rows if failed_table else ()) if row[2] in visible]
    ranked = {row[1] for row in (ranking_table.rows if ranking_table else ())}
    unranked = [(r.entry.site.code, r.entry.site.name, r.entry.site.kind.value,
                 r.score.score_text) for r in (*summary.sites, *summary.sites_pending)
                if r.entry.site.code not in ranked and r.entry.site.code in visible]

    finals = [r.score.final for r in summary.sites if r.score.final is not None]
    histogram = charts.histogram(charts.band_counts(finals), title="本轮网站得分分布（家）")

    before = previous_round(round_)
    rows = []
    previous_name = ""
    if before is not None:
        previous_name = before.name
        earlier = {r.entry.site.code: r.score.final
                   for r in score_db_round(before, compare=False).sites}
        rows = [charts.Change(r.entry.label, earlier.get(r.entry.site.code), r.score.final)
                for r in summary.sites if r.entry.site.code in visible]
    changes = charts.change_bars(rows, title=f"得分变化（较{previous_name or '上一轮'}）") \
        if rows else ""
    return Dashboard(round_, summary, figures, ranking, unranked, failed, histogram, changes,
                     previous_name, all_sites=scope.sees_all)
