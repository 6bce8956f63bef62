"""The quarterly 通报 from the database: a round's sites, confirmed findings, manual checks,
inquiries and accounts → ``score_round`` → ``build_notice`` → .docx / .xlsx / .html.

Where the database has no field for something the 通报 needs, this module decides:

* 简称 (the names used in the body text) are derived from the roster: a portal is "市政府"
  (the city's) or its 县市区 name; any other site is its name with the city's name shortened
  to "市" (滁州市审计局 → 市审计局) and a parenthesised second name dropped;
* region "市直" is printed "市直部门"; regions are listed 市直 first, then by the lowest
  网站标识码 of the region's sites (the codes follow the 行政区划 codes);
* the city, the issuer, the 文号 and the 政务公开 paragraph are the round's settings
  (``web.rounds.round_settings``: ``round create --city/--issuer/--doc-number/--settings``,
  ``review openness``); what the round does not set comes from the ``GOVINSPECT_CITY`` /
  ``GOVINSPECT_ISSUER`` setting or environment variable (default 示例市,
  <city>人民政府办公室);
* the previous round is the round with the latest reference time before this one; its
  figures are computed from its data, and figures entered by hand (review.PreviousFigure)
  win, for when that round was not run here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from govinspect.core.indicator_sets import IndicatorSet, load_indicator_set
from govinspect.core.newmedia import AccountEntry
from govinspect.core.types import Finding
from govinspect.indicators.inquiries import Inquiry
from govinspect.indicators.manual_io import apply_point_overrides
from govinspect.indicators.round import RoundSummary, SiteEntry, score_round
from govinspect.reports.atomic import write_text
from govinspect.reports.notice import NoticeMeta, build_notice, render_html, write_docx, write_xlsx
from govinspect.web.rounds.models import Finding as FindingRow
from govinspect.web.rounds.models import Round

CITY_REGION = "市直"
CITY_REGION_LABEL = "市直部门"
DEFAULT_CITY = "示例市"
RECTIFY_DAYS = 14  # the seed's 通报 (7月27日) asks for the rectification report by 8月10日
KIND_ORDER = {"门户": 0, "部门": 1, "专项": 2}
_PAREN = re.compile(r"[（(][^（）()]*[)）]")


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def _round_setting(round_: Round | None, key: str) -> str:
    from govinspect.web.rounds.round_settings import read

    return read(round_).get(key, "") if round_ is not None else ""


def city_name(round_: Round | None = None) -> str:
    return _round_setting(round_, "city") or _setting("GOVINSPECT_CITY", DEFAULT_CITY)


def issuer_name(round_: Round | None = None) -> str:
    return (_round_setting(round_, "issuer")
            or _setting("GOVINSPECT_ISSUER", f"{city_name(round_)}人民政府办公室"))


def region_label(region: str) -> str:
    return CITY_REGION_LABEL if region == CITY_REGION else region


def short_name(name: str, kind: str, region: str, city: str) -> str:
    """The 简称 used in the 通报's text (pure; see the module docstring)."""
    if kind == "门户":
        return "市政府" if region == CITY_REGION else region
    name = _PAREN.sub("", name).strip()
    for suffix in ("门户网站", "网站"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[:-len(suffix)]
    if city and name.startswith(city):
        rest = name[len(city):]
        if region != CITY_REGION and rest.startswith(region):
            return rest
        return (city[-1] + rest) if rest else name
    return name


def ordered_regions(site_regions: list[tuple[str, str]], account_regions: list[str]
                    ) -> list[str]:
    """市直 first, then by the lowest site code of the region, then regions with accounts only."""
    lowest: dict[str, str] = {}
    for code, region in site_regions:
        if region not in lowest or code < lowest[region]:
            lowest[region] = code
    order = sorted(lowest, key=lambda r: (r != CITY_REGION, lowest[r]))
    order += [r for r in dict.fromkeys(account_regions) if r not in lowest]
    if CITY_REGION in order:
        order.remove(CITY_REGION)
        order.insert(0, CITY_REGION)
    return order


@dataclass(frozen=True)
class RoundInputs:
    """Everything ``score_round`` takes, read from the database."""

    iset: IndicatorSet
    sites: list[SiteEntry]
    findings: list[Finding]
    accounts: list[AccountEntry]
    inquiries: list[Inquiry]
    regions: list[str]
    reference_time: dt.datetime


def round_inputs(round_: Round) -> RoundInputs:
    from govinspect.web.review.services import (
        core_inquiries,
        interaction_findings,
        last_posts,
        manual_findings,
        round_accounts,
    )
    from govinspect.web.rounds.services import counts_for_score

    iset = load_indicator_set(round_.indicator_set)
    city = city_name(round_)
    site_rows = sorted(round_.sites.select_related("unit"),
                       key=lambda s: (KIND_ORDER.get(s.kind, 9), s.code))
    sites = [SiteEntry(s.to_ref(), region_label(s.unit.region),
                       short_name(s.name, s.kind, s.unit.region, city))
             for s in site_rows]
    codes = {s.code for s in site_rows}

    account_rows = list(round_accounts(round_).select_related("unit").order_by("code"))
    posts = last_posts(round_)
    accounts = [AccountEntry(a.code, a.name, a.platform, region_label(a.unit.region),
                             a.certified_subject, posts.get(a.code), a.code)
                for a in account_rows]

    findings = [row.to_core() for row in
                FindingRow.objects.filter(round=round_).select_related("site", "account")
                if counts_for_score(row, iset)]
    findings += manual_findings(round_)
    findings += interaction_findings(round_, iset)
    iset, findings = apply_point_overrides(iset, findings)

    inquiries = [q for q in core_inquiries(round_) if q.site_code in codes]
    regions = [region_label(r) for r in ordered_regions(
        [(s.code, s.unit.region) for s in site_rows], [a.unit.region for a in account_rows])]
    return RoundInputs(iset, sites, findings, accounts, inquiries, regions,
                       timezone.localtime(round_.reference_time))


def previous_round(round_: Round) -> Round | None:
    return (Round.objects.filter(reference_time__lt=round_.reference_time)
            .order_by("-reference_time").first())


def score_db_round(round_: Round, *, compare: bool = True) -> RoundSummary:
    """Score a round from the database; with ``compare``, against the previous round."""
    previous: dict[str, Decimal] = {}
    if compare:
        from govinspect.web.review.services import previous_figures

        before = previous_round(round_)
        if before is not None:
            computed = score_db_round(before, compare=False).metrics
            previous.update({k: v for k, v in computed.items() if v is not None})
        previous.update(previous_figures(round_))
    data = round_inputs(round_)
    return score_round(data.iset, data.sites, data.findings, accounts=data.accounts,
                       reference_time=data.reference_time, inquiries=data.inquiries,
                       previous=previous, regions=data.regions)


def notice_meta(round_: Round, *, issued_on: dt.date | None = None) -> NoticeMeta:
    t = timezone.localtime(round_.reference_time)
    issued = issued_on or timezone.localdate()
    from govinspect.web.rounds.round_settings import read

    own = read(round_)
    return NoticeMeta(
        issuer=issuer_name(round_), year=t.year, quarter=(t.month - 1) // 3 + 1,
        check_start=timezone.localtime(round_.window_start).date(),
        check_end=timezone.localtime(round_.window_end).date(),
        issued_on=issued, rectify_deadline=issued + dt.timedelta(days=RECTIFY_DAYS),
        openness_text=own.get("openness", ""), doc_number=own.get("doc_number", ""))


def notice_paths(round_: Round, out_dir: Path) -> tuple[Path, Path, Path]:
    out_dir = Path(out_dir)
    return (out_dir / f"{round_.name}-通报.docx", out_dir / f"{round_.name}-附件.xlsx",
            out_dir / f"{round_.name}-通报.html")


def write_round_notice(round_: Round, out_dir: Path, *, issued_on: dt.date | None = None,
                       template_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """Write ``<round>-通报.docx``, ``<round>-附件.xlsx`` and ``<round>-通报.html`` into
    ``out_dir``; returns their paths. Each file is written atomically."""
    summary = score_db_round(round_)
    data_iset = load_indicator_set(round_.indicator_set)
    notice = build_notice(summary, data_iset, notice_meta(round_, issued_on=issued_on),
                          template_dirs)
    docx_path, xlsx_path, html_path = notice_paths(round_, out_dir)
    docx_path.parent.mkdir(parents=True, exist_ok=True)
    write_docx(notice, docx_path)
    write_xlsx(notice, xlsx_path)
    write_text(html_path, render_html(notice, template_dirs))
    return [docx_path, xlsx_path, html_path]
