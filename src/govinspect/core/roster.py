"""The roster file format (网站 / 政务新媒体 名录) and its validation. Pure: rows in,
validated records and Chinese problem lines out; no file access, no Django.

The same column lists drive the importer, the exporter and the template, so an exported file
always imports back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from govinspect.core.sheets import (
    NO,
    YES,
    Column,
    RowProblems,
    blank_required,
    cell_text,  # noqa: F401 - re-exported: cell_text lived here first
    normalize_header,
    sheet_rows,
)
from govinspect.core.types import SiteKind

SITE_SHEET = "网站"
ACCOUNT_SHEET = "政务新媒体"
HELP_SHEET = "说明"
CITY_REGION = "市直"


class Platform(StrEnum):
    """平台 of a government new-media account."""

    WECHAT_OA = "微信公众号"
    WECHAT_MINI = "微信小程序"
    WECHAT_CHANNELS = "视频号"
    WEIBO = "新浪微博"
    DOUYIN = "抖音"
    TOUTIAO = "今日头条"
    OTHER = "其他"


# Names offices commonly write for the same platform (the 通报 says 微信订阅号).
PLATFORM_ALIASES = {
    "微信订阅号": Platform.WECHAT_OA,
    "微信服务号": Platform.WECHAT_OA,
    "公众号": Platform.WECHAT_OA,
    "小程序": Platform.WECHAT_MINI,
    "微信视频号": Platform.WECHAT_CHANNELS,
    "微博": Platform.WEIBO,
    "头条号": Platform.TOUTIAO,
}


class Kind(StrEnum):
    SITE = "site"
    ACCOUNT = "account"


SITE_COLUMNS: tuple[Column, ...] = (
    Column("网站标识码", True, "全国政府网站基本数据库中的网站标识码，10位数字。", "3411000001"),
    Column("网站名称", True, "网站的正式名称。", "滁州市人民政府"),
    Column("首页网址", True, "首页完整网址，以 http:// 或 https:// 开头。", "https://www.chuzhou.gov.cn/"),
    Column("网站类型", True, "门户、部门、专项 三者之一（下拉选择）。", SiteKind.PORTAL.value),
    Column("主办单位", True, "网站主办单位的全称。", "滁州市人民政府办公室"),
    Column("所属地区", True, "市直单位填“市直”；县（市、区）单位填县市区名称，如“琅琊区”“天长市”“全椒县”。", CITY_REGION),
    Column("其他域名", False, "可选。网站使用的其他域名，多个用分号、逗号或空格分隔。", "chuzhou.gov.cn", allow_empty=True),
)

ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column("账号标识码", True, "政务新媒体标识码，字母和数字，如 341100M007XL0002。", "341100M007XL0002"),
    Column("平台", True, "、".join(p.value for p in Platform) + " 之一（下拉选择）。", Platform.WEIBO.value),
    Column("账号名称", True, "账号在平台上显示的名称。", "滁州治安在线"),
    Column("认证主体", True, "平台认证的主体单位；未认证的账号留空。", "滁州市公安局治安管理支队", allow_empty=True),
    Column("是否备案", True, "填“是”或“否”（下拉选择）。", YES),
    Column("主办单位", True, "账号主办单位的全称。", "滁州市公安局"),
    Column("所属地区", True, "市直单位填“市直”；县（市、区）单位填县市区名称。", CITY_REGION),
)

COLUMNS = {Kind.SITE: SITE_COLUMNS, Kind.ACCOUNT: ACCOUNT_COLUMNS}
SHEET_NAMES = {Kind.SITE: SITE_SHEET, Kind.ACCOUNT: ACCOUNT_SHEET}
KEY_HEADERS = {Kind.SITE: "网站标识码", Kind.ACCOUNT: "账号标识码"}

_SITE_CODE = re.compile(r"\d{10}")
_ACCOUNT_CODE = re.compile(r"[0-9A-Z]{6,32}")
_REGION = re.compile(r".+[县市区旗]")
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}(:\d{1,5})?")
_HOST_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True)
class SiteRow:
    code: str
    name: str
    homepage: str
    kind: SiteKind
    unit: str
    region: str
    extra_hosts: tuple[str, ...] = ()
    where: str = ""  # "网站 第3行", for messages

    def values(self) -> list[str]:
        """Cells in SITE_COLUMNS order, as written by the exporter."""
        return [self.code, self.name, self.homepage, self.kind.value, self.unit, self.region,
                "; ".join(self.extra_hosts)]


@dataclass(frozen=True)
class AccountRow:
    code: str
    platform: Platform
    name: str
    certified_subject: str
    filed: bool
    unit: str
    region: str
    where: str = ""

    def values(self) -> list[str]:
        return [self.code, self.platform.value, self.name, self.certified_subject,
                YES if self.filed else NO, self.unit, self.region]


@dataclass
class Table:
    """One sheet (or one CSV file) as read: the header cells and the numbered data rows.

    ``kind`` is set when the sheet's name says what it holds; otherwise the header decides.
    Row numbers are the ones the office sees in Excel (header = row 1).
    """

    label: str  # sheet name, or file name for CSV
    header: Sequence[object]
    rows: Sequence[tuple[int, Sequence[object]]]
    kind: Kind | None = None


@dataclass
class ParsedRoster:
    sites: list[SiteRow] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def classify_header(header: Sequence[object]) -> Kind | None:
    names = {normalize_header(h) for h in header}
    for kind, key in KEY_HEADERS.items():
        if key in names:
            return kind
    return None


def parse_tables(tables: Iterable[Table]) -> ParsedRoster:
    """Validate every table; collect all problems instead of stopping at the first."""
    out = ParsedRoster()
    seen: dict[tuple[Kind, str], str] = {}  # code → where it was first seen
    for table in tables:
        kind = table.kind or classify_header(table.header)
        if kind is None:
            out.problems.append(
                f"{table.label}：无法识别表头，第1行应包含“网站标识码”（网站名录）或“账号标识码”（政务新媒体名录）")
            continue
        _parse_table(table, kind, out, seen)
    return out


def _parse_table(table: Table, kind: Kind, out: ParsedRoster,
                 seen: dict[tuple[Kind, str], str]) -> None:
    columns = COLUMNS[kind]
    for read in sheet_rows(table.label, table.header, table.rows, columns, out.problems):
        values, where = read.values, read.where
        problems = RowProblems(where, columns)
        bad = problems.bad
        for header in blank_required(columns, values):
            bad(header, "不能为空")
        region = values["所属地区"]
        if region and region != CITY_REGION and not _REGION.fullmatch(region):
            bad("所属地区", f"“{region}”无效，应为“市直”或县、市、区名称（如 琅琊区）")
        key = KEY_HEADERS[kind]
        code = values[key]
        if kind is Kind.SITE:
            row = _site_row(values, where, bad)
        else:
            code = code.upper()
            row = _account_row(values, where, bad)
        if code and (kind, code) in seen:
            bad(key, f"“{code}”与{seen[(kind, code)]}重复")
        elif code:
            seen[(kind, code)] = where
        if problems:
            out.problems.extend(problems.lines())
        elif isinstance(row, SiteRow):
            out.sites.append(row)
        elif isinstance(row, AccountRow):
            out.accounts.append(row)


def _site_row(v: dict[str, str], where: str, bad) -> SiteRow | None:
    code = v["网站标识码"]
    if code and not _SITE_CODE.fullmatch(code):
        bad("网站标识码", f"“{code}”不是10位数字")
    homepage = v["首页网址"]
    if homepage and not valid_url(homepage):
        bad("首页网址", f"“{homepage}”不是有效网址，应以 http:// 或 https:// 开头并包含域名")
    kind_text = v["网站类型"]
    kind = None
    if kind_text:
        try:
            kind = SiteKind(kind_text)
        except ValueError:
            bad("网站类型", f"“{kind_text}”不是有效的网站类型，应为 "
                + "、".join(k.value for k in SiteKind) + " 之一")
    hosts: list[str] = []
    for host in _HOST_SPLIT.split(v.get("其他域名", "")):
        host = host.strip().lower().rstrip(".")
        if not host:
            continue
        if not _HOST.fullmatch(host):
            bad("其他域名", f"“{host}”不是有效域名（只填域名，如 www.example.gov.cn）")
        elif host not in hosts:
            hosts.append(host)
    if kind is None:
        return None
    return SiteRow(code=code, name=v["网站名称"], homepage=homepage, kind=kind,
                   unit=v["主办单位"], region=v["所属地区"], extra_hosts=tuple(hosts),
                   where=where)


def _account_row(v: dict[str, str], where: str, bad) -> AccountRow | None:
    code = v["账号标识码"].upper()
    if code and not _ACCOUNT_CODE.fullmatch(code):
        bad("账号标识码", f"“{v['账号标识码']}”无效，应为6至32位字母或数字")
    platform_text = v["平台"]
    platform = None
    if platform_text:
        platform = PLATFORM_ALIASES.get(platform_text)
        if platform is None:
            try:
                platform = Platform(platform_text)
            except ValueError:
                bad("平台", f"“{platform_text}”不是支持的平台，应为 "
                    + "、".join(p.value for p in Platform) + " 之一")
    filed_text = v["是否备案"]
    if filed_text and filed_text not in (YES, NO):
        bad("是否备案", f"“{filed_text}”无效，应填“是”或“否”")
    if platform is None:
        return None
    return AccountRow(code=code, platform=platform, name=v["账号名称"],
                      certified_subject=v["认证主体"], filed=filed_text == YES,
                      unit=v["主办单位"], region=v["所属地区"], where=where)


def valid_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url
    except ValueError:
        return False


def homepage_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
