"""The roster format's validation, without files or a database."""

from govinspect.core.roster import (
    SITE_COLUMNS,
    Kind,
    Platform,
    Table,
    cell_text,
    classify_header,
    parse_tables,
)
from govinspect.core.types import SiteKind

SITE_HEADER = [c.header for c in SITE_COLUMNS]


def site_table(*rows, header=SITE_HEADER, label="网站", kind=Kind.SITE):
    return Table(label, header, [(n, row) for n, row in enumerate(rows, start=2)], kind)


def test_valid_rows_with_numeric_codes_and_messy_headers():
    header = [" 网站 标识码\u3000", "网站名称", "首页网址", "网站类型", "主办单位", "所属地区", "其他域名"]
    parsed = parse_tables([site_table(
        [3411000059.0, "滁州市供销合作社联合社", "http://gxs.chuzhou.gov.cn", "部门",
         "滁州市供销合作社联合社", "市直", "GXS2.chuzhou.gov.cn；gxs3.chuzhou.gov.cn, gxs2.chuzhou.gov.cn"],
        [None, None, None, None, None, None, None],  # a blank line is skipped
        ["3411030026", "滁州市南谯区人民政府", "http://www.cznq.gov.cn", "门户",
         "滁州市南谯区人民政府办公室", "南谯区", None],
        header=header, kind=None)])
    assert parsed.problems == []
    first, second = parsed.sites
    assert first.code == "3411000059" and first.kind is SiteKind.DEPARTMENT
    assert first.extra_hosts == ("gxs2.chuzhou.gov.cn", "gxs3.chuzhou.gov.cn")
    assert second.region == "南谯区" and second.where == "网站 第4行"


def test_every_bad_cell_is_reported_with_row_and_column():
    parsed = parse_tables([site_table(
        ["3411000001", "甲", "https://a.gov.cn", "门户", "甲单位", "市直", ""],
        ["34110000", "乙", "ftp://b.gov.cn", "门户网站", "乙单位", "滁州", "bad host!"],
        ["3411000001", "", "https://c.gov.cn", "部门", "丙单位", "市直", ""],
    )])
    assert parsed.sites and len(parsed.sites) == 1
    assert parsed.problems == [
        "网站 第3行“网站标识码”：“34110000”不是10位数字",
        "网站 第3行“首页网址”：“ftp://b.gov.cn”不是有效网址，应以 http:// 或 https:// 开头并包含域名",
        "网站 第3行“网站类型”：“门户网站”不是有效的网站类型，应为 门户、部门、专项 之一",
        "网站 第3行“所属地区”：“滁州”无效，应为“市直”或县、市、区名称（如 琅琊区）",
        "网站 第3行“其他域名”：“bad”不是有效域名（只填域名，如 www.example.gov.cn）",
        "网站 第3行“其他域名”：“host!”不是有效域名（只填域名，如 www.example.gov.cn）",
        "网站 第4行“网站标识码”：“3411000001”与网站 第2行重复",
        "网站 第4行“网站名称”：不能为空",
    ]


def test_missing_column_is_one_line_and_no_row_lines():
    header = [h for h in SITE_HEADER if h != "首页网址"]
    parsed = parse_tables([site_table(["x"] * 6, header=header, label="sites.csv", kind=None)])
    assert parsed.problems == ["sites.csv：缺少必填列“首页网址”"]


def test_accounts_platform_aliases_filed_and_unknown_header():
    header = ["账号标识码", "平台", "账号名称", "认证主体", "是否备案", "主办单位", "所属地区"]
    rows = [(2, ["341100m007xl0002", "微信订阅号", "滁州发布", "", "否", "滁州市委网信办", "市直"]),
            (3, ["341100M007XL0003", "快手", "某号", "某局", "已备案", "某局", "天长市"])]
    parsed = parse_tables([Table("政务新媒体", header, rows),
                           Table("notes.csv", ["名称", "备注"], [])])
    (account,) = parsed.accounts
    assert account.code == "341100M007XL0002" and account.platform is Platform.WECHAT_OA
    assert account.filed is False and account.certified_subject == ""
    assert parsed.problems == [
        "政务新媒体 第3行“平台”：“快手”不是支持的平台，应为 微信公众号、微信小程序、视频号、新浪微博、抖音、今日头条、其他 之一",
        "政务新媒体 第3行“是否备案”：“已备案”无效，应填“是”或“否”",
        "notes.csv：无法识别表头，第1行应包含“网站标识码”（网站名录）或“账号标识码”（政务新媒体名录）",
    ]


def test_cell_text_and_classify():
    assert cell_text(3411000001.0) == "3411000001"
    assert cell_text("\u3000琅琊区 ") == "琅琊区"
    assert classify_header(["账号标识码"]) is Kind.ACCOUNT
    assert classify_header(["\ufeff网站标识码"]) is Kind.SITE
    assert classify_header(["名称"]) is None
