"""extract_page on hand-labelled real government pages (../shared/data/realpages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govinspect.extract import extract_page

ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "realpages"
LABELS = ([json.loads(line) for line in (ROOT / "labels.jsonl").read_text("utf-8").splitlines()
           if line.strip()] if (ROOT / "labels.jsonl").is_file() else [])
pytestmark = pytest.mark.skipif(not LABELS, reason="../shared/data/realpages is missing")


def _facts(pid: str, fetched_at=None):
    label = next(x for x in LABELS if x["id"] == pid)
    body = (ROOT / "pages" / f"{pid}.html").read_bytes()
    url = label.get("url") or f"http://unknown.invalid/page/{pid}"
    return label, extract_page(body, url, fetched_at).to_json()


@pytest.mark.parametrize("pid", [x["id"] for x in LABELS])
def test_dates_and_document_fields_match_labels(pid):
    label, facts = _facts(pid)
    assert facts["pub_date"] == label["pub_date"]
    assert facts["written_date"] == label["written_date"]
    assert facts["doc_number_normalized"] == label["doc_number_normalised"]
    assert facts["index_no"] == label["index_number"]
    assert facts["site_id_code"] == label["site_id_code"]
    assert facts["column_name"] == label["column_name"]


def test_visible_date_wins_over_disagreeing_meta_pubdate():
    # wanzai-2015: meta PubDate 2022-04-24, visible 发布日期 2017-05-15
    _, facts = _facts("wanzai-2015")
    assert facts["pub_date"] == "2017-05-15"
    assert any("PubDate" in p for p in facts["date_problems"])


def test_written_and_published_dates_are_kept_apart():
    _, facts = _facts("cwce-jilin")
    assert (facts["written_date"], facts["pub_date"]) == ("2022-01-27", "2022-01-28")
    assert facts["issuer"] == "吉林省人民政府"
    assert facts["page_type"] == "policy"


def test_signature_date_split_over_spans_is_the_written_date():
    _, facts = _facts("pt-art-97999")
    assert facts["written_date"] == "2025-03-17"
    assert facts["pub_date"] == "2025-03-21"
    assert facts["issuer"] == "平潭综合实验区公安局"


def test_gb2312_page_is_decoded():
    _, facts = _facts("cwce-chinaneast")
    assert facts["encoding"]["declared"] == "gb2312"
    assert facts["title"] == "农机专家李金泽：为农机行业搭建现代化信息平台"


def test_footer_in_html_comment_counts_as_absent():
    _, facts = _facts("cwce-jilin")
    footer = facts["footer"]
    assert not footer["dzjg"] and not footer["icp"] and not footer["zhaocuo"]


def test_hidden_jiucuo_link_is_absent_and_footer_code_used():
    _, facts = _facts("gne-gzggw")
    assert facts["footer"]["zhaocuo"] is False  # display:none link, commented-out span
    assert facts["footer"]["site_id_code"] == "3300000020"  # meta SiteIDCode is empty
    assert facts["footer"]["icp"] == "浙ICP备05018911号"


def test_script_only_footer_items_count():
    _, facts = _facts("ccgp-zhijiang")
    assert facts["footer"]["dzjg"] is True  # document.write from dcs.conac.cn


def test_homepage_dates_without_year_get_the_capture_year():
    _, facts = _facts("yichun-home", "2023-10-11T12:00:00")
    assert facts["page_type"] == "home"
    dated = sorted(i["date"] for i in facts["list_items"])
    assert len(dated) == 40
    assert (dated[0], dated[-1]) == ("2023-08-21", "2023-10-11")


def test_trs_list_with_script_pager():
    label, facts = _facts("pt-list-gsgg")
    assert facts["page_type"] == "list"
    assert len(facts["list_items"]) == label["list_items"]["items_with_dates"]
    assert facts["record_count"] == 9546 and facts["per_page"] == 15
    assert facts["page_count"] == 637
    assert facts["pagination"][0].endswith("/zwgk/gsgg/index_1.htm")
    assert facts["column_category"] == "通知公告"


def test_message_widget():
    label, facts = _facts("nfra-1")
    got = [(m["title"], m["asked_at"]) for m in facts["messages"]]
    assert got == [(m["title"], m["留言时间"]) for m in label["messages"]]
    assert facts["doc_number"] == "金罚决字〔2024〕36号"


@pytest.mark.parametrize("pid,kind", [("pt-guide-col", "guide"), ("pt-guide-bq", "guide"),
                                      ("pt-home-zwgk", "home"), ("pt-nb-80774", "article"),
                                      ("pt-policy-57240", "policy"), ("pt-list-ztgh", "list")])
def test_page_types(pid, kind):
    _, facts = _facts(pid)
    assert facts["page_type"] == kind
