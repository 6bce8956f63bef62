"""`govinspect extract FILE --url URL --json`: the contract other tools rely on."""

from __future__ import annotations

import json

from click.testing import CliRunner

from govinspect.cli import main

CONTRACT = {"page_type", "title", "pub_date", "written_date", "doc_number", "doc_number_normalized",
            "doc_number_problems", "issuer", "index_no", "site_id_code", "site_name",
            "column_name", "column_category", "list_items", "pagination", "messages", "footer",
            "links", "attachments", "encoding"}
FOOTER = {"dzjg", "site_id_code", "icp", "psb", "sponsor", "contact", "zhaocuo"}

PAGE = """<html><head><meta charset="gbk"><title>关于印发工作要点的通知_示例市人民政府</title>
<meta name="SiteIDCode" content="3401000001"><meta name="ColumnName" content="政府文件"></head>
<body><h1>关于印发工作要点的通知</h1><div>发布时间：2022-06-27 15:43 文号：示政〔2022〕5号</div>
<div><p>各县区人民政府：现将工作要点印发给你们，请认真贯彻落实。</p></div>
<a href="../../att/yd.docx">附件1</a><a href="list_2.html">政务动态列表</a></body></html>"""


def test_json_contract(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.encode("gbk"))
    result = CliRunner().invoke(main, ["extract", str(page), "--url",
                                       "http://www.example.gov.cn/zwgk/zfwj/202206/t20220627_1.html",
                                       "--fetched-at", "2022-06-30T17:00:00+08:00", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert CONTRACT <= set(data)
    assert FOOTER <= set(data["footer"])
    assert data["pub_date"] == "2022-06-27"
    assert data["doc_number_normalized"] == "示政〔2022〕5号"
    assert data["column_category"] == "政策文件"
    assert data["encoding"] == {"declared": "gbk", "detected": "gbk"}
    assert data["attachments"] == [{"url": "http://www.example.gov.cn/zwgk/att/yd.docx",
                                    "text": "附件1"}]


def test_missing_file_and_bad_time_give_chinese_errors(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "none.html"), "--url", "http://x/"])
    assert result.exit_code != 0 and "无法读取文件" in result.output
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    result = CliRunner().invoke(main, ["extract", str(page), "--url", "http://x/",
                                       "--fetched-at", "昨天"])
    assert result.exit_code != 0 and "采集时间格式不正确" in result.output
