"""Manual checks: import / export / template, and the engine's view of what was entered.
The CLI, the admin and the 通报 service call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from govinspect.core.indicator_sets import IndicatorSet, IndicatorSetError, load_indicator_set
from govinspect.core.roster import Table
from govinspect.core.types import Finding
from govinspect.indicators.inquiries import Inquiry as CoreInquiry
from govinspect.indicators.manual_io import (
    COLUMNS,
    AccountCheckRow,
    FindingRow,
    InquiryRow,
    Sheet,
    parse_manual_tables,
    parse_when,
)
from govinspect.rules.inputs import AccountCheckEntry, ManualInput
from govinspect.web.review.files import ReviewFileError, read_tables, write_workbook
from govinspect.web.review.models import (
    METRICS,
    AccountCheck,
    Inquiry,
    ManualFinding,
    PreviousFigure,
)
from govinspect.web.roster.models import Account, Site
from govinspect.web.roster.services import Counts
from govinspect.web.rounds.models import Round

TEMPLATE_NAME = "人工检查导入模板.xlsx"


class ReviewImportError(Exception):
    """Nothing was imported; ``problems`` holds one Chinese line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ReviewReport:
    inquiries: Counts = field(default_factory=Counts)
    findings: Counts = field(default_factory=Counts)
    accounts: Counts = field(default_factory=Counts)

    def lines(self) -> list[str]:
        return [f"模拟咨询：{self.inquiries}", f"人工检查问题：{self.findings}",
                f"政务新媒体检查：{self.accounts}"]

    def __str__(self) -> str:
        return "；".join(self.lines())


def round_indicator_set(round_: Round) -> IndicatorSet:
    return load_indicator_set(round_.indicator_set)


def round_accounts(round_: Round):
    """The round's accounts; a round created without a list checks the whole roster."""
    chosen = round_.accounts.all()
    return chosen if chosen.exists() else Account.objects.all()


# ── import ───────────────────────────────────────────────────────────────────────────────

def import_review(path: Path, round_: Round, *, entered_by: str = "") -> ReviewReport:
    """Validate the whole file, then write it in one transaction. Any problem ⇒ nothing is
    written and ReviewImportError lists them all. Importing the same file again changes
    nothing; entries of the round that are not in the file are left as they are."""
    try:
        tables = read_tables(Path(path))
    except ReviewFileError as exc:
        raise ReviewImportError([str(exc)]) from None
    return import_tables(round_, tables, entered_by=entered_by)


def import_tables(round_: Round, tables: Iterable[Table], *, entered_by: str = ""
                  ) -> ReviewReport:
    try:
        iset = round_indicator_set(round_)
    except IndicatorSetError as exc:
        raise ReviewImportError([str(exc)]) from None
    parsed = parse_manual_tables(tables, iset, timezone.get_current_timezone())
    problems = list(parsed.problems)
    round_sites = {s.code: s for s in round_.sites.all()}
    accounts = {a.code: a for a in round_accounts(round_)}
    roster_sites = set(Site.objects.filter(code__in=_codes(parsed, "site"))
                       .values_list("code", flat=True))

    def site_problem(code: str, where: str, header: str) -> str | None:
        if code in round_sites:
            return None
        if code in roster_sites:
            return f"{where}“{header}”：网站“{code}”不是本轮（{round_.name}）检查的网站"
        return f"{where}“{header}”：名录中没有网站“{code}”"

    def account_problem(code: str, where: str, header: str) -> str | None:
        return None if code in accounts else f"{where}“{header}”：名录中没有账号“{code}”"

    for row in parsed.inquiries:
        problems += filter(None, [site_problem(row.site_code, row.where, "网站标识码")])
    for row in parsed.findings:
        check = site_problem if row.subject_kind == "site" else account_problem
        problems += filter(None, [check(row.subject, row.where, "网站标识码或账号标识码")])
    for row in parsed.accounts:
        problems += filter(None, [account_problem(row.account_code, row.where, "账号标识码")])
    if problems:
        raise ReviewImportError(problems)
    if parsed.empty:
        raise ReviewImportError(["文件中没有可导入的内容（表头下没有数据行）"])

    report = ReviewReport()
    with transaction.atomic():
        for row in parsed.inquiries:
            _save_inquiry(round_, round_sites[row.site_code], row, entered_by, report.inquiries)
        for row in parsed.findings:
            subject = round_sites.get(row.subject) if row.subject_kind == "site" \
                else accounts[row.subject]
            _save_finding(round_, subject, row, entered_by, report.findings)
        for row in parsed.accounts:
            _save_account(round_, accounts[row.account_code], row, entered_by, report.accounts)
    return report


def _codes(parsed, kind: str) -> list[str]:
    codes = [r.site_code for r in parsed.inquiries] if kind == "site" else []
    return codes + [r.subject for r in parsed.findings if r.subject_kind == kind]


def _upsert(model, lookup: dict, values: dict, entered_by: str, counts: Counts) -> None:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values, entered_by=entered_by)
        counts.created += 1
        return
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        counts.unchanged += 1
        return
    for k in changed:
        setattr(obj, k, values[k])
    if entered_by:
        obj.entered_by = entered_by
    obj.save()
    counts.updated += 1


def _save_inquiry(round_, site, row: InquiryRow, entered_by, counts) -> None:
    _upsert(Inquiry, {"round": round_, "site": site, "asked_at": row.asked_at},
            {"question": row.question, "answered_at": row.answered_at,
             "effective": row.effective, "note": row.note}, entered_by, counts)


def _subject_url(subject: Site | Account) -> str:
    return subject.homepage if isinstance(subject, Site) else subject.code


def _save_finding(round_, subject, row: FindingRow, entered_by, counts) -> None:
    fingerprint = row.to_core(_subject_url(subject)).fingerprint
    points = row.points.quantize(Decimal("0.01")) if row.points is not None else None
    _upsert(ManualFinding, {"round": round_, "fingerprint": fingerprint},
            {"site": subject if isinstance(subject, Site) else None,
             "account": subject if isinstance(subject, Account) else None,
             "indicator_id": row.indicator_id, "item": row.item, "points": points,
             "message": row.message, "url": row.url}, entered_by, counts)


def _save_account(round_, account, row: AccountCheckRow, entered_by, counts) -> None:
    _upsert(AccountCheck, {"round": round_, "account": account},
            {"last_post_at": row.last_post_at, "interaction_ok": row.interaction_ok,
             "menus": row.menus_json(), "notes": row.notes}, entered_by, counts)


# ── template and export ──────────────────────────────────────────────────────────────────

def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def export_rows(round_: Round) -> dict[Sheet, list[list[object]]]:
    """The round's entries in the import format (so that they import back unchanged)."""
    tz = timezone.get_current_timezone()
    inquiries = [InquiryRow(q.site.code, _local(q.asked_at), _local(q.answered_at), q.effective,
                            q.question, q.note).values()
                 for q in Inquiry.objects.filter(round=round_).select_related("site")
                 .order_by("site__code", "asked_at")]
    findings = [FindingRow(m.subject_code, "site" if m.site_id else "account", m.indicator_id,
                           m.item, m.message, m.url, m.points).values()
                for m in ManualFinding.objects.filter(round=round_)
                .select_related("site", "account").order_by("indicator_id", "id")]
    accounts = []
    for c in AccountCheck.objects.filter(round=round_).select_related("account") \
            .order_by("account__code"):
        menus = tuple((m.get("menu", ""), _local(parse_when(m["last_updated"], tz))
                       if m.get("last_updated") else None) for m in c.menus or ())
        accounts.append(AccountCheckRow(c.account.code, _local(c.last_post_at),
                                        c.interaction_ok, menus, c.notes).values())
    return {Sheet.INQUIRY: inquiries, Sheet.FINDING: findings, Sheet.ACCOUNT: accounts}


def write_review_template(path: Path, *, round_: Round | None = None,
                          indicator_set: str = "national-2019") -> Path:
    """The import workbook. With ``round_``: that round's entries (an export that imports
    back unchanged) and its indicator set; without: one example row per sheet."""
    path = Path(path)
    if path.is_dir():
        path = path / TEMPLATE_NAME
    if round_ is not None:
        iset = round_indicator_set(round_)
        rows = export_rows(round_)
    else:
        iset = load_indicator_set(indicator_set)
        rows = {sheet: [[c.example for c in COLUMNS[sheet]]] for sheet in Sheet}
    return write_workbook(path, rows, iset)


# ── previous round's published figures ───────────────────────────────────────────────────

def set_previous_figures(round_: Round, figures: Mapping[str, Decimal | str | float]) -> None:
    known = dict(METRICS)
    unknown = [k for k in figures if k not in known]
    if unknown:
        raise ReviewImportError([f"未知的数据项“{k}”，应为 " + "、".join(
            f"{k}（{v}）" for k, v in METRICS) for k in unknown])
    with transaction.atomic():
        for metric, value in figures.items():
            PreviousFigure.objects.update_or_create(
                round=round_, metric=metric, defaults={"value": Decimal(str(value))})


def previous_figures(round_: Round) -> dict[str, Decimal]:
    return {f.metric: f.value for f in PreviousFigure.objects.filter(round=round_)}


# ── what the engine needs ────────────────────────────────────────────────────────────────

def _manual_scope(round_: Round, iset: IndicatorSet, data: ManualInput) -> list[Finding]:
    """The manual-scope rules (rules/base.Scope.MANUAL) on what the round recorded."""
    from govinspect.rules.base import Scope
    from govinspect.rules.engine import run_scope
    from govinspect.rules.inputs import RoundContext

    ctx = RoundContext(reference_time=round_.reference_time, indicator_set=iset,
                       round_name=round_.name)
    return run_scope(Scope.MANUAL, data, ctx)


def manual_findings(round_: Round) -> list[Finding]:
    """The round's manual findings as the engine's findings (rule GI-M001; point overrides in
    details)."""
    entries = []
    for m in ManualFinding.objects.filter(round=round_).select_related("site", "account"):
        subject = m.site if m.site_id else m.account
        row = FindingRow(subject.code, "site" if m.site_id else "account", m.indicator_id,
                         m.item, m.message, m.url, m.points)
        entries.append(row.to_core(_subject_url(subject), entered_by=m.entered_by))
    if not entries:
        return []
    return _manual_scope(round_, load_indicator_set(round_.indicator_set),
                         ManualInput(entries=tuple(entries)))


def interaction_findings(round_: Round, iset: IndicatorSet) -> list[Finding]:
    """NM-V3 (互动回应差, rule GI-NM102) for every account whose interaction function was found
    not to work (collected or entered by hand)."""
    if "no_interaction" not in (iset.indicators.get("NM-V3", {}).get("items") or {}):
        return []
    checks = tuple(AccountCheckEntry(c.account.code, c.account.name, c.account.platform,
                                     c.interaction_ok, c.notes, c.pk)
                   for c in AccountCheck.objects.filter(round=round_, interaction_ok=False)
                   .select_related("account"))
    if not checks:
        return []
    return _manual_scope(round_, iset, ManualInput(checks=checks))


def last_posts(round_: Round) -> dict[str, dt.datetime]:
    """Account code → last post time (local time), for NM-V2."""
    return {c.account.code: timezone.localtime(c.last_post_at)
            for c in AccountCheck.objects.filter(round=round_, last_post_at__isnull=False)
            .select_related("account")}


def core_inquiries(round_: Round) -> list[CoreInquiry]:
    """Times in local time: working days are counted on local dates."""
    return [CoreInquiry(q.site.code, timezone.localtime(q.asked_at), _local(q.answered_at),
                        q.effective, q.question, q.note)
            for q in Inquiry.objects.filter(round=round_).select_related("site")
            .order_by("site__code", "asked_at")]
