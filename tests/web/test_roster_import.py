"""Roster import / export / template through the service API and the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from govinspect.cli import main
from govinspect.web.roster.services import (
    RosterImportError,
    csv_export_paths,
    export_roster,
    import_roster,
    write_template,
)

pytestmark = pytest.mark.django_db

SITE_HEADER = ["网站标识码", "网站名称", "首页网址", "网站类型", "主办单位", "所属地区", "其他域名"]
ACCOUNT_HEADER = ["账号标识码", "平台", "账号名称", "认证主体", "是否备案", "主办单位", "所属地区"]

# Taken from the 滁州 2022Q2 通报 (seed/), as an office would type them.
SITES = [
    ["3411000059", "滁州市供销合作社联合社", "http://gxs.chuzhou.gov.cn", "部门",
     "滁州市供销合作社联合社", "市直", ""],
    ["3411000039", "滁州市发展和改革委员会", "http://fgw.chuzhou.gov.cn", "部门",
     "滁州市发展和改革委员会", "市直", "fgw2.chuzhou.gov.cn；lsj.chuzhou.gov.cn"],
    ["3411030026", "滁州市南谯区人民政府", "http://www.cznq.gov.cn", "门户",
     "滁州市南谯区人民政府办公室", "南谯区", ""],
]
ACCOUNTS = [
    ["341100M007XL0002", "新浪微博", "滁州治安在线", "滁州市公安局治安管理支队", "是",
     "滁州市公安局", "市直"],
    ["341103M001WX0001", "微信小程序", "云上南谯", "滁州市南谯区人民政府办公室", "否",
     "滁州市南谯区人民政府办公室", "南谯区"],
]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def counts():
    from govinspect.web.roster.models import Account, Site, Unit

    return Site.objects.count(), Account.objects.count(), Unit.objects.count()


def test_xlsx_import_creates_sites_accounts_and_unit_tree(tmp_path):
    from govinspect.web.roster.models import Account, Site, Unit

    path = write_xlsx(tmp_path / "名录.xlsx", {"网站": [SITE_HEADER, *SITES],
                                               "政务新媒体": [ACCOUNT_HEADER, *ACCOUNTS]})
    report = import_roster(path)
    assert (report.sites.created, report.accounts.created) == (3, 2)
    # 供销社, 发改委, 公安局 (市直) + 南谯区 and its 办公室 (shared by a site and an account)
    assert counts() == (3, 2, 5)
    nq = Site.objects.get(code="3411030026")
    assert nq.unit.region == "南谯区" and nq.unit.level == "部门"
    assert nq.unit.parent == Unit.objects.get(name="南谯区", region="南谯区", level="县市区")
    fgw = Site.objects.get(code="3411000039")
    assert fgw.to_ref().hosts == ("fgw.chuzhou.gov.cn", "fgw2.chuzhou.gov.cn", "lsj.chuzhou.gov.cn")
    assert fgw.unit.level == "市直" and fgw.unit.parent is None
    weibo = Account.objects.get(code="341100M007XL0002")
    assert weibo.filed and weibo.platform == "新浪微博"
    assert not Account.objects.get(code="341103M001WX0001").filed


def test_csv_utf8_bom_and_gbk_with_messy_headers(tmp_path):
    from govinspect.web.roster.models import Account, Site

    messy = [" 网站标识码 ", "网站\u3000名称", "首页网址", "网站类型", "主办单位", "所属地区"]
    sites = write_csv(tmp_path / "sites.csv", [messy, *[r[:6] for r in SITES]], "utf-8-sig")
    accounts = write_csv(tmp_path / "accounts.csv", [ACCOUNT_HEADER, *ACCOUNTS], "gbk")
    assert accounts.read_bytes().decode("gbk").startswith("账号标识码")
    report = import_roster(sites, accounts)
    assert (report.sites.created, report.accounts.created) == (3, 2)
    assert Site.objects.get(code="3411000059").name == "滁州市供销合作社联合社"
    assert Account.objects.get(code="341103M001WX0001").name == "云上南谯"
    gbk_only = write_csv(tmp_path / "gbk-sites.csv", [SITE_HEADER, *SITES], "gbk")
    assert import_roster(gbk_only).sites.unchanged == 2  # 其他域名 now set on one site
    assert import_roster(gbk_only).sites.unchanged == 3


def test_bad_rows_import_nothing_and_cli_prints_each_problem(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"网站": [SITE_HEADER, *SITES]})
    import_roster(good)
    before = counts()
    renamed = ["3411000059", "改名后的网站", *SITES[0][2:]]  # valid, but must not be applied
    bad = write_xlsx(tmp_path / "bad.xlsx", {
        "网站": [SITE_HEADER, renamed,
                 ["341100003", "错码网站", "http://a.chuzhou.gov.cn", "部门", "某局", "市直", ""],
                 ["3411000059", "重复", "http://b.chuzhou.gov.cn", "部门", "某局", "市直", ""],
                 ["3411000070", "类型错", "http://c.chuzhou.gov.cn", "部门网站", "某局", "市直", ""],
                 ["3411000071", "网址错", "www.d.chuzhou.gov.cn", "部门", "某局", "市直", ""],
                 ["3411000072", "", "http://e.chuzhou.gov.cn", "部门", "某局", "市直", ""]],
        "政务新媒体": [ACCOUNT_HEADER,
                       ["341100M007XL0009", "微信公众号", "某号", "某局", "已备案", "某局", "市直"],
                       ["341100M007XL0010", "快手", "某号", "某局", "是", "某局", "市直"]],
    })
    result = CliRunner().invoke(main, ["roster", "import", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "网站 第3行“网站标识码”：“341100003”不是10位数字",
        "网站 第4行“网站标识码”：“3411000059”与网站 第2行重复",
        "网站 第5行“网站类型”：“部门网站”不是有效的网站类型，应为 门户、部门、专项 之一",
        "网站 第6行“首页网址”：“www.d.chuzhou.gov.cn”不是有效网址，应以 http:// 或 https:// 开头并包含域名",
        "网站 第7行“网站名称”：不能为空",
        "政务新媒体 第2行“是否备案”：“已备案”无效，应填“是”或“否”",
        "政务新媒体 第3行“平台”：“快手”不是支持的平台，应为 微信公众号、微信小程序、视频号、新浪微博、抖音、今日头条、其他 之一",
        "发现 7 个问题，未导入任何内容。请修改后重新导入。",
    ]
    from govinspect.web.roster.models import Site

    assert counts() == before
    assert Site.objects.get(code="3411000059").name == "滁州市供销合作社联合社"


def test_missing_column_and_unreadable_files(tmp_path):
    no_url = write_csv(tmp_path / "sites.csv",
                       [[h for h in SITE_HEADER if h != "首页网址"], ["3411000001"] * 6], "utf-8")
    with pytest.raises(RosterImportError) as err:
        import_roster(no_url)
    assert err.value.problems == ["sites.csv：缺少必填列“首页网址”"]

    fake = tmp_path / "名录.xlsx"
    fake.write_text("这不是 Excel 文件", encoding="utf-8")
    old = tmp_path / "名录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = CliRunner().invoke(main, ["roster", "import", str(fake), str(old)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.splitlines()[:2] == [
        "名录.xlsx：无法作为 Excel (.xlsx) 文件读取（BadZipFile），请确认文件未损坏并用 Excel/WPS 另存为 .xlsx",
        "名录.xls：不支持旧版 .xls 格式，请在 Excel/WPS 中另存为 .xlsx 后导入",
    ]
    assert counts() == (0, 0, 0)


def test_reimport_is_idempotent_and_changes_are_counted(tmp_path):
    path = write_xlsx(tmp_path / "名录.xlsx", {"网站": [SITE_HEADER, *SITES],
                                               "政务新媒体": [ACCOUNT_HEADER, *ACCOUNTS]})
    import_roster(path)
    before = counts()
    runner = CliRunner()
    result = runner.invoke(main, ["roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "网站：新增 0、更新 0、未变 3" in result.output
    assert "政务新媒体：新增 0、更新 0、未变 2" in result.output
    assert counts() == before

    changed = [r[:] for r in SITES]
    changed[0][1] = "滁州市供销合作社"
    changed.append(["3411000046", "滁州市文化和旅游局", "https://wlj.chuzhou.gov.cn/", "部门",
                    "滁州市文化和旅游局", "市直", ""])
    report = import_roster(write_xlsx(tmp_path / "v2.xlsx", {"网站": [SITE_HEADER, *changed]}))
    assert (report.sites.created, report.sites.updated, report.sites.unchanged) == (1, 1, 2)
    assert report.accounts.created == report.accounts.updated == report.accounts.unchanged == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_round_trips_unchanged(tmp_path, suffix):
    src = write_xlsx(tmp_path / "名录.xlsx", {"网站": [SITE_HEADER, *SITES],
                                              "政务新媒体": [ACCOUNT_HEADER, *ACCOUNTS]})
    import_roster(src)
    out = tmp_path / f"导出{suffix}"
    result = CliRunner().invoke(main, ["roster", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出 5 条记录" in result.output
    files = csv_export_paths(out) if suffix == ".csv" else (out,)
    before = counts()
    report = import_roster(*files)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert counts() == before
    if suffix == ".csv":
        header = files[0].read_bytes()[:3]
        assert header == b"\xef\xbb\xbf"  # BOM so that Excel shows the Chinese text
        rows = list(csv.reader(files[0].open(encoding="utf-8-sig")))
        assert rows[0] == SITE_HEADER
        assert ["3411000039", "滁州市发展和改革委员会", "http://fgw.chuzhou.gov.cn", "部门",
                "滁州市发展和改革委员会", "市直", "fgw2.chuzhou.gov.cn; lsj.chuzhou.gov.cn"] in rows


def test_template_has_lists_and_help_and_imports_after_filling(tmp_path):
    result = CliRunner().invoke(main, ["roster", "template", str(tmp_path / "模板.xlsx")])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "模板.xlsx")
    assert wb.sheetnames == ["网站", "政务新媒体", "说明"]
    assert [c.value for c in wb["网站"][1]] == SITE_HEADER
    assert [c.value for c in wb["政务新媒体"][1]] == ACCOUNT_HEADER
    lists = {dv.formula1 for ws in wb.worksheets for dv in ws.data_validations.dataValidation}
    assert lists == {'"门户,部门,专项"', '"微信公众号,微信小程序,视频号,新浪微博,抖音,今日头条,其他"',
                     '"是,否"'}
    explained = {(r[0], r[1]) for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert {("网站", h) for h in SITE_HEADER} <= explained
    assert {("政务新媒体", h) for h in ACCOUNT_HEADER} <= explained

    # The office overwrites the example row and adds its own.
    ws = wb["网站"]
    for i, row in enumerate(SITES, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)
    wb.save(tmp_path / "filled.xlsx")
    report = import_roster(tmp_path / "filled.xlsx")
    assert report.sites.created == 3
    assert report.accounts.created == 1  # the untouched example row is a valid account


def test_template_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["roster", "template"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "名录导入模板.xlsx").is_file()
    assert write_template(tmp_path).name == "名录导入模板.xlsx"
    assert export_roster(tmp_path / "empty.xlsx") == 0


def test_row_numbers_match_excel_across_blank_rows(tmp_path):
    path = tmp_path / "名录.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "网站"
    ws.append(SITE_HEADER)
    ws.append(SITES[0])
    ws.cell(row=6, column=1, value="3411000X01")  # rows 3–5 left blank by the office
    for col, value in enumerate(SITES[1][1:], start=2):
        ws.cell(row=6, column=col, value=value)
    wb.save(path)
    with pytest.raises(RosterImportError) as err:
        import_roster(path)
    assert err.value.problems == ["网站 第6行“网站标识码”：“3411000X01”不是10位数字"]
