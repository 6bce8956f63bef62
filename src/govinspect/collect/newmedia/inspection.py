"""The inspectors' hand-kept record of new-media accounts (.xlsx): for platforms without a
usable source (小程序, 视频号, 抖音 …) and for accounts found by searching the platforms.

Two sheets: ``账号检查记录`` (one row per account: last post time, interaction function,
notes) and ``菜单检查记录`` (one row per menu entry: its last update, whether it holds any
information). The import is atomic: every problem is listed with sheet, row and column, in
Chinese, and nothing is returned unless the whole file is valid — the house style of the
roster import (``govinspect.core.roster``), whose helpers this module reuses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from govinspect.collect.sheets import (
    SheetFileError,
    add_choices,
    add_help_sheet,
    read_xlsx,
    save_workbook,
    style_header,
)
from govinspect.core.newmedia import (
    SHANGHAI,
    InspectionRecord,
    Menu,
    Precision,
    normalise_name,
    platform_of,
    shanghai,
)
from govinspect.core.roster import Platform, Table
from govinspect.core.sheets import (
    NO,
    YES,
    Column,
    blank_required,
    cell_text,
    normalize_header,
    problem,
    required_label,
    sheet_rows,
    split_header,
)

ACCOUNT_SHEET = "账号检查记录"
MENU_SHEET = "菜单检查记录"
HELP_SHEET = "说明"
PRESENT = ("是", "有", "正常", "可用")
ABSENT = ("否", "无", "不可用", "无法使用")

ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column("账号标识码", True, "名录中的政务新媒体标识码；检查中发现的、名录中没有的账号留空。",
           "341100M007XL0002", allow_empty=True),
    Column("平台", True, "微信公众号（微信订阅号）、微信小程序、视频号、新浪微博、抖音、今日头条、其他。",
           Platform.WEIBO.value),
    Column("账号名称", True, "账号在平台上显示的名称。", "滁州治安在线"),
    Column("认证主体", True, "平台页面显示的认证主体；未认证留空。", "滁州市公安局治安管理支队",
           allow_empty=True),
    Column("最后发布时间", True, "检查时看到的最近一条内容的发布时间，如 2022-06-20 10:30 或 2022-06-20；"
           "从未发布留空并在备注中说明。", "2022-06-20 10:30", allow_empty=True),
    Column("互动功能", True, "是否提供有效的互动功能（留言、私信、评论等）：填“是”或“否”；未检查留空。",
           YES, allow_empty=True),
    Column("检查时间", False, "可选。检查该账号的时间。", "2022-06-28 15:00", allow_empty=True),
    Column("账号链接", False, "可选。账号主页或文章链接。", "https://m.weibo.cn/u/1234567890",
           allow_empty=True),
    Column("备注", False, "可选。其他需要说明的情况。", "", allow_empty=True),
)

MENU_COLUMNS: tuple[Column, ...] = (
    Column("账号标识码", False, "可选。与“账号检查记录”中的账号标识码一致。", "341100M003WX0001",
           allow_empty=True),
    Column("平台", True, "与“账号检查记录”中该账号的平台一致。", Platform.WECHAT_OA.value),
    Column("账号名称", True, "与“账号检查记录”中该账号的名称一致。", "滁州经开区凤凰办事处"),
    Column("菜单", True, "菜单名称；子菜单写“一级菜单—子菜单”，如 防病专题—慢性病防治和健康教育。", "平安会峰"),
    Column("最后更新时间", True, "菜单指向内容的最后更新时间，可只写年份或年月，如 2020、2020-05、2020-05-06；"
           "无任何信息时留空并在“有无信息”填“无”。", "2020", allow_empty=True),
    Column("有无信息", True, "菜单指向的页面是否有信息：填“有”或“无”；留空视为有。", "有", allow_empty=True),
    Column("菜单链接", False, "可选。菜单指向的链接。", "", allow_empty=True),
    Column("备注", False, "可选。", "", allow_empty=True),
)

_SHEETS = {ACCOUNT_SHEET: ACCOUNT_COLUMNS, MENU_SHEET: MENU_COLUMNS}
# The template's second example account: the one its example menu row belongs to.
_MENU_EXAMPLE_ACCOUNT = ("341100M003WX0001", Platform.WECHAT_OA.value, "滁州经开区凤凰办事处", "", "2022-06-27", YES,
                         "", "", "")
_MENU_SPLIT = re.compile(r"\s*(?:—+|－|--|->|>|＞|/|／|\\)\s*")
_TIME_PATTERNS: tuple[tuple[re.Pattern[str], Precision], ...] = (
    (re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*[T ]?\s*(\d{1,2})[:：时](\d{2})"
                r"(?:[:：分](\d{2}))?秒?"), Precision.MINUTE),
    (re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"), Precision.DAY),
    (re.compile(r"(\d{4})[-/.年](\d{1,2})月?"), Precision.MONTH),
    (re.compile(r"(\d{4})年?"), Precision.YEAR),
)


def parse_time_cell(value: object) -> tuple[dt.datetime, Precision] | None:
    """A time cell as typed by an inspector: an Excel date, ``2022-06-20 10:30``,
    ``2022/6/20``, ``2022年6月20日``, ``2020-05``, ``2020年`` or ``2020``. Empty → None;
    anything else raises ``ValueError`` with the reason in Chinese. China time."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        precision = Precision.DAY if value.time() == dt.time() else Precision.MINUTE
        return shanghai(value), precision
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=SHANGHAI), Precision.DAY
    text = cell_text(value)
    for pattern, precision in _TIME_PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        parts = [int(g) if g else 0 for g in m.groups()]
        y, mo, d = parts[0], (parts[1] if len(parts) > 1 else 1), (parts[2] if len(parts) > 2 else 1)
        h, mi, s = (parts[3:6] + [0, 0, 0])[:3] if len(parts) > 3 else (0, 0, 0)
        if precision is Precision.MINUTE and len(parts) > 5 and m.group(6):
            precision = Precision.SECOND
        if not 1990 <= y <= 2100:
            raise ValueError(f"“{text}”中的年份不合理")
        try:
            return shanghai(dt.datetime(y, mo, d, h, mi, s)), precision
        except ValueError:
            raise ValueError(f"“{text}”不是有效的日期或时间") from None
    raise ValueError(f"“{text}”不是可识别的时间，应写成 2022-06-20 10:30、2022-06-20、2020-05 或 2020")


def _yes_no(text: str, yes: Sequence[str], no: Sequence[str]) -> bool | None:
    if not text:
        return None
    if text in yes:
        return True
    if text in no:
        return False
    raise ValueError(f"“{text}”无效，应填“{yes[0]}”或“{no[0]}”")


def classify(table: Table) -> str | None:
    if table.label in _SHEETS:
        return table.label
    names = {normalize_header(h) for h in table.header}
    if "菜单" in names:
        return MENU_SHEET
    if "最后发布时间" in names or "互动功能" in names:
        return ACCOUNT_SHEET
    return None


def parse_inspection_tables(tables: Iterable[Table]
                            ) -> tuple[list[InspectionRecord], list[str]]:
    """Validate the sheets; all problems at once, records only when there are none."""
    problems: list[str] = []
    accounts: list[tuple[InspectionRecord, str]] = []
    menus: list[tuple[str, str, str, Menu, str]] = []  # code, platform, name, menu, where
    found_accounts = False
    for table in tables:
        kind = classify(table)
        if kind is None:
            continue
        rows = _rows(table, _SHEETS[kind], problems)
        if kind == ACCOUNT_SHEET:
            found_accounts = True
            for where, v, bad in rows:
                record = _account(v, where, bad)
                if record is not None:
                    accounts.append((record, where))
        else:
            for where, v, bad in rows:
                menu = _menu(v, bad)
                if menu is not None:
                    menus.append((v["账号标识码"].upper(), v["平台"], v["账号名称"], menu, where))
    if not found_accounts:
        problems.append(f"没有找到“{ACCOUNT_SHEET}”工作表（表头应包含“账号名称”“最后发布时间”“互动功能”）")
    by_code: dict[str, int] = {}
    by_name: dict[tuple[Platform, str], int] = {}
    for i, (r, where) in enumerate(accounts):
        key = (r.platform, normalise_name(r.name))
        if r.code and r.code in by_code:
            problems.append(f"{where}“账号标识码”：“{r.code}”与{accounts[by_code[r.code]][1]}重复")
        elif key in by_name:
            problems.append(f"{where}“账号名称”：“{r.name}”（{r.platform.value}）与"
                            f"{accounts[by_name[key]][1]}重复")
        if r.code:
            by_code.setdefault(r.code, i)
        by_name.setdefault(key, i)
    attached: dict[int, list[Menu]] = {}
    for code, platform_text, name, menu, where in menus:
        platform = platform_of(platform_text)
        index = by_code.get(code) if code in by_code else by_name.get(
            (platform, normalise_name(name)))
        if index is None:
            problems.append(f"{where}：账号“{name}”（{platform_text}）不在“{ACCOUNT_SHEET}”中，"
                            "请先在账号检查记录中填写该账号")
            continue
        attached.setdefault(index, []).append(menu)
    if problems:
        return [], problems
    records = []
    for i, (r, _) in enumerate(accounts):
        if i in attached:
            r = InspectionRecord(**{**r.__dict__, "menus": tuple(attached[i])})
        records.append(r)
    return records, []


_Bad = Callable[[str, str], None]


def _rows(table: Table, columns: Sequence[Column], problems: list[str]
          ) -> list[tuple[str, dict[str, str | object], _Bad]]:
    """(where, values by header, bad) for each non-blank valid-shaped row; raw cells are kept
    under ``"raw:" + header`` so date cells keep their Excel type."""
    out = []
    for read in sheet_rows(table.label, table.header, table.rows, columns, problems):
        values: dict[str, str | object] = {**read.values}
        values.update({f"raw:{h}": v for h, v in read.raw.items()})

        def bad(header: str, what: str, where: str = read.where) -> None:
            problems.append(problem(where, header, what))

        for header in blank_required(columns, read.values):
            bad(header, "不能为空")
        out.append((read.where, values, bad))
    return out


def _platform(v: dict, bad: _Bad) -> Platform | None:
    text = v["平台"]
    if not text:
        return None
    platform = platform_of(text)
    if platform is None:
        bad("平台", f"“{text}”不是支持的平台，应为 " + "、".join(p.value for p in Platform) + " 之一")
    return platform


def _time(v: dict, header: str, bad: _Bad) -> tuple[dt.datetime | None, Precision]:
    try:
        parsed = parse_time_cell(v.get(f"raw:{header}"))
    except ValueError as exc:
        bad(header, str(exc))
        return None, Precision.DAY
    return (parsed[0], parsed[1]) if parsed else (None, Precision.DAY)


def _account(v: dict, where: str, bad: _Bad) -> InspectionRecord | None:
    errors: list[str] = []

    def note(header: str, what: str) -> None:
        errors.append(header)
        bad(header, what)

    code = v["账号标识码"].upper()
    if code and not re.fullmatch(r"[0-9A-Z]{6,32}", code):
        note("账号标识码", f"“{v['账号标识码']}”无效，应为6至32位字母或数字")
    platform = _platform(v, note)
    last, precision = _time(v, "最后发布时间", note)
    checked, _ = _time(v, "检查时间", note)
    try:
        interaction = _yes_no(v["互动功能"], (YES, *PRESENT), (NO, *ABSENT))
    except ValueError as exc:
        note("互动功能", str(exc))
        interaction = None
    if errors or platform is None or not v["账号名称"]:
        return None
    return InspectionRecord(
        platform=platform, name=v["账号名称"], code=code,
        certified_subject=v["认证主体"], last_post=last, last_post_precision=precision,
        interaction=interaction, checked_at=checked, url=v.get("账号链接", "") or "",
        notes=v.get("备注", "") or "", where=where,
    )


def _menu(v: dict, bad: _Bad) -> Menu | None:
    errors: list[str] = []

    def note(header: str, what: str) -> None:
        errors.append(header)
        bad(header, what)

    _platform(v, note)
    path = tuple(p for p in _MENU_SPLIT.split(v["菜单"]) if p)
    updated, precision = _time(v, "最后更新时间", note)
    try:
        has_info = _yes_no(v["有无信息"], ("有", YES), ("无", NO))
    except ValueError as exc:
        note("有无信息", str(exc))
        has_info = None
    if errors or not path or not v["账号名称"]:
        return None
    return Menu(path=path, last_updated=updated, precision=precision,
                empty=has_info is False, url=v.get("菜单链接", "") or "")


# --- files --------------------------------------------------------------------------------

def read_inspection_xlsx(path: Path | str) -> tuple[list[InspectionRecord], list[str]]:
    """Read an inspection record workbook. Returns ``(records, problems)``; when ``problems``
    is not empty, ``records`` is empty (the import is all or nothing). Never raises for a bad
    file: the reason is the single problem."""
    path = Path(path)
    if not path.is_file():
        return [], [f"{path}：文件不存在"]
    if path.suffix.lower() != ".xlsx":
        return [], [f"{path.name}：检查记录应为 .xlsx 文件（旧版 .xls/.et 请在 Excel/WPS 中另存为 .xlsx）"]
    try:
        sheets = read_xlsx(path, skip=(HELP_SHEET,))
    except SheetFileError as exc:
        return [], [str(exc)]
    tables = [Table(title, *split) for title, rows in sheets
              if (split := split_header(rows)) is not None]  # a sheet with nothing in it is skipped
    return parse_inspection_tables(tables)


def write_inspection_template(path: Path | str) -> Path:
    """An empty record workbook with one example row per sheet, drop-down lists and a 说明
    sheet; what it writes imports back without problems."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    lists = {"平台": [p.value for p in Platform], "互动功能": [YES, NO], "有无信息": ["有", "无"]}
    for sheet, columns in _SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append([c.header for c in columns])
        ws.append([c.example for c in columns])
        if sheet == ACCOUNT_SHEET:
            ws.append(list(_MENU_EXAMPLE_ACCOUNT))
        style_header(ws)
        for i, c in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = 14 if c.header in lists else 26
            if c.header in ("账号标识码", "最后发布时间", "最后更新时间", "检查时间"):
                for r in range(2, 500):  # text: Excel keeps codes and partial dates as typed
                    ws.cell(row=r, column=i).number_format = "@"
            if c.header in lists:
                add_choices(ws, letter, lists[c.header])
        ws.freeze_panes = "A2"
    add_help_sheet(wb, HELP_SHEET, (
        [sheet, c.header, required_label(c), c.help]
        for sheet, columns in _SHEETS.items() for c in columns
    ), (
        "1. 第1行为表头，请勿修改列名；第2行为示例，请改为实际检查内容。",
        "2. 检查中发现、名录中没有的账号也填入“账号检查记录”，账号标识码留空，系统将与备案名录比对。",
        "3. 导入前会检查整个文件，发现任何问题都不会导入，并逐条列出问题所在的工作表、行号和列名。",
    ), (14, 14, 10, 80))
    return save_workbook(wb, path)
