"""Roster import / export / template. The CLI and the web call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from govinspect.core.roster import (
    ACCOUNT_COLUMNS,
    ACCOUNT_SHEET,
    CITY_REGION,
    SITE_COLUMNS,
    SITE_SHEET,
    AccountRow,
    Platform,
    SiteRow,
    parse_tables,
)
from govinspect.core.types import SiteKind, UnitLevel
from govinspect.web.roster.files import (
    RosterFileError,
    read_tables,
    template_rows,
    write_csv,
    write_workbook,
)
from govinspect.web.roster.models import Account, Site, Unit

TEMPLATE_NAME = "名录导入模板.xlsx"
_CHUNK = 500  # rows per query: under every database's parameter limit


class RosterImportError(Exception):
    """The file was not imported; ``problems`` holds one Chinese line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"新增 {self.created}、更新 {self.updated}、未变 {self.unchanged}"


@dataclass
class ImportReport:
    sites: Counts = field(default_factory=Counts)
    accounts: Counts = field(default_factory=Counts)
    units_created: int = 0

    @property
    def created(self) -> int:
        return self.sites.created + self.accounts.created

    @property
    def updated(self) -> int:
        return self.sites.updated + self.accounts.updated

    @property
    def unchanged(self) -> int:
        return self.sites.unchanged + self.accounts.unchanged

    def __str__(self) -> str:
        return "；".join(self.lines())

    def lines(self) -> list[str]:
        lines = [f"网站：{self.sites}", f"政务新媒体：{self.accounts}"]
        if self.units_created:
            lines.append(f"新建单位 {self.units_created} 个")
        return lines


def import_roster(path: Path, *more: Path) -> ImportReport:
    """Validate every file completely, then upsert sites and accounts by code in one
    transaction. Any problem ⇒ nothing is written and RosterImportError lists them all.
    Sites and accounts missing from the file are left as they are."""
    tables, problems = [], []
    for p in (path, *more):
        try:
            tables.extend(read_tables(Path(p)))
        except RosterFileError as exc:
            problems.append(str(exc))
    parsed = parse_tables(tables)
    problems += parsed.problems
    if problems:
        raise RosterImportError(problems)
    report = ImportReport()
    with transaction.atomic():
        units = _Units(report)
        _upsert(Site, parsed.sites, report.sites, lambda r: {
            "name": r.name, "homepage": r.homepage, "kind": r.kind.value,
            "unit_id": units.get(r.unit, r.region).pk, "extra_hosts": list(r.extra_hosts)})
        _upsert(Account, parsed.accounts, report.accounts, lambda r: {
            "platform": r.platform.value, "name": r.name, "certified_subject": r.certified_subject,
            "filed": r.filed, "unit_id": units.get(r.unit, r.region).pk})
    return report


class _Units:
    """Units by (name, region); a county unit gets its 县市区 unit as parent."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.cache = {(u.name, u.region): u for u in Unit.objects.all()}

    def get(self, name: str, region: str) -> Unit:
        if (name, region) in self.cache:
            return self.cache[(name, region)]
        if region == CITY_REGION:
            unit = self._create(name, region, UnitLevel.CITY, None)
        elif name == region:
            unit = self._create(name, region, UnitLevel.COUNTY, None)
        else:
            unit = self._create(name, region, UnitLevel.DEPARTMENT, self.get(region, region))
        return unit

    def _create(self, name, region, level, parent) -> Unit:
        unit = Unit.objects.create(name=name, region=region, level=level.value, parent=parent)
        self.cache[(name, region)] = unit
        self.report.units_created += 1
        return unit


def _upsert(model, rows, counts: Counts, values) -> None:
    existing = {}
    codes = [r.code for r in rows]
    for i in range(0, len(codes), _CHUNK):
        existing.update({o.code: o for o in model.objects.filter(code__in=codes[i:i + _CHUNK])})
    new, changed, fields = [], [], set()
    for row in rows:
        wanted = values(row)
        obj = existing.get(row.code)
        if obj is None:
            new.append(model(code=row.code, **wanted))
            continue
        diff = [k for k, v in wanted.items() if getattr(obj, k) != v]
        if diff:
            for k in diff:
                setattr(obj, k, wanted[k])
            changed.append(obj)
            fields.update(diff)
    model.objects.bulk_create(new, batch_size=_CHUNK)
    if changed:
        model.objects.bulk_update(changed, sorted(fields), batch_size=_CHUNK)
    counts.created += len(new)
    counts.updated += len(changed)
    counts.unchanged += len(rows) - len(new) - len(changed)


def _site_rows() -> list[list[str]]:
    return [SiteRow(code=s.code, name=s.name, homepage=s.homepage, kind=SiteKind(s.kind),
                    unit=s.unit.name, region=s.unit.region,
                    extra_hosts=tuple(s.extra_hosts or ())).values()
            for s in Site.objects.select_related("unit").order_by("code")]


def _account_rows() -> list[list[str]]:
    return [AccountRow(code=a.code, platform=Platform(a.platform), name=a.name,
                       certified_subject=a.certified_subject, filed=a.filed, unit=a.unit.name,
                       region=a.unit.region).values()
            for a in Account.objects.select_related("unit").order_by("code")]


def csv_export_paths(path: Path) -> tuple[Path, Path]:
    """A CSV holds one table, so a CSV export is two files beside ``path``."""
    path = Path(path)
    return (path.with_name(f"{path.stem}-{SITE_SHEET}.csv"),
            path.with_name(f"{path.stem}-{ACCOUNT_SHEET}.csv"))


def export_roster(path: Path) -> int:
    """Write the roster in the import format; returns the number of sites + accounts written.

    ``.xlsx``: one workbook with both sheets. ``.csv``: two files (see ``csv_export_paths``).
    """
    path = Path(path)
    sites, accounts = _site_rows(), _account_rows()
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(path, sites, accounts)
    elif suffix == ".csv":
        site_path, account_path = csv_export_paths(path)
        site_path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(site_path, SITE_COLUMNS, sites)
        write_csv(account_path, ACCOUNT_COLUMNS, accounts)
    else:
        raise ValueError(f"{path.name}：导出文件应以 .xlsx 或 .csv 结尾")
    return len(sites) + len(accounts)


def write_template(path: Path) -> Path:
    """An .xlsx to fill in: both sheets with one example row each, drop-downs, a 说明 sheet."""
    path = Path(path)
    if path.is_dir():
        path = path / TEMPLATE_NAME
    sites, accounts = template_rows()
    return write_workbook(path, sites, accounts)
