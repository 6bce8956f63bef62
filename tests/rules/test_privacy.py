"""Privacy leaks: ID numbers, mobiles, bank cards; masked evidence; attachments."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from govinspect.core.types import Confidence
from govinspect.rules.attachment_text import AttachmentError, extract_chunks
from govinspect.rules.privacy import (
    check_attachment,
    check_privacy,
    find_leaks,
    luhn,
    mask_number,
    valid_id15,
    valid_id18,
)

TODAY = dt.date(2026, 7, 1)
PID = "341102199001011237"  # valid check digit, 安徽 region, born 1990-01-01
CARD = "6222021234567890128"  # Luhn-valid

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FULL_NUMBER = re.compile(r"\d{11,}")


def test_id_validation_checks_digit_region_and_date():
    assert valid_id18(PID, TODAY)
    assert not valid_id18(PID[:-1] + "8", TODAY)  # wrong check digit
    assert not valid_id18("99" + PID[2:], TODAY)  # no such province
    assert not valid_id18("341102203001011237", TODAY)  # born in the future
    assert valid_id15("341102900101123", TODAY)
    assert not valid_id15("341102901301123", TODAY)  # month 13


def test_luhn_and_masking():
    assert luhn(CARD) and not luhn(CARD[:-1] + "9")
    assert mask_number("13812341234") == "138****1234"
    assert mask_number(PID) == "3411**********1237"


def test_public_notice_with_full_id_is_a_leak_and_evidence_is_masked():
    page = (f"关于2024年第一批城乡低保对象的公示\n序号\t姓名\t身份证号码\t联系电话\n"
            f"1\t王某某\t{PID}\t13905501234\n")
    findings = check_privacy(page, url="http://mz.xx.gov.cn/gs/1.html", subject="3411000018",
                             today=TODAY)
    kinds = sorted(f.details["category"] for f in findings)
    assert kinds == ["手机号", "身份证号"]
    for f in findings:
        assert f.indicator_id == "W-V1" and f.item == "privacy_leak"
        blob = json.dumps([f.message, f.evidence.context, f.details], ensure_ascii=False)
        assert not FULL_NUMBER.search(blob), blob
    id_finding = next(f for f in findings if f.details["category"] == "身份证号")
    assert id_finding.confidence == Confidence.CERTAIN
    assert id_finding.details["text"] == "3411**********1237"


def test_masked_numbers_landlines_and_doc_numbers_are_not_leaks():
    page = ("公示名单：王某某，身份证号3411**********1234，手机138****1234。"
            "咨询电话：0550-3012345，监督电话：12345。依据滁政办〔2022〕12号。"
            "索引号：11341100003100526T/2022-01234。业务流水号20220701000123456。"
            "统一社会信用代码：91341100MA2NXXXX1A。")
    assert find_leaks(page, TODAY) == []


def test_office_contact_mobile_is_not_a_leak():
    page = "本次招标联系人：李工，联系电话：13905501234，地址：市政务服务中心三楼。"
    assert find_leaks(page, TODAY) == []


def test_bank_card_needs_context_and_is_not_a_corporate_account():
    assert [k for k, *_ in find_leaks(f"补贴已发放至其社保卡，卡号：{CARD}。", TODAY)] == ["银行卡号"]
    assert find_leaks(f"收款单位：某某县财政局，账号：{CARD}。", TODAY) == []
    assert find_leaks(f"订单编号{CARD}。", TODAY) == []


def test_legacy_15_digit_needs_id_context():
    assert [k for k, *_ in find_leaks("户主王某，身份证号码：341102900101123。", TODAY)] == ["身份证号"]
    assert find_leaks("注册号341102900101123。", TODAY) == []


@pytest.mark.skipif(not (DATA / "clean-official" / "acc_rmrb.json").exists(),
                    reason="shared data missing")
def test_no_leaks_in_clean_official_sentences():
    sentences = json.loads((DATA / "clean-official" / "acc_rmrb.json").read_text("utf-8"))
    assert [s["original_text"] for s in sentences if find_leaks(s["original_text"])] == []


def _xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["序号", "姓名", "身份证号码", "补贴金额"])
    sheet.append([1, "张某某", PID, 1200])
    sheet.append([2, "李某某", "3411**********1234", 1200])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_attachment_leak_is_located_by_sheet_and_row():
    findings = check_attachment(_xlsx_bytes(), "2024年补贴名单.xlsx",
                                url="http://www.xx.gov.cn/u/2024.xlsx")
    [f] = findings
    assert f.details["location"] == "2024年补贴名单.xlsx 工作表“名单”第2行"
    assert "第2行" in f.message and PID not in f.message


def test_docx_attachment_table_rows():
    import docx

    document = docx.Document()
    document.add_paragraph("拟录用人员名单")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "姓名", "身份证号"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "王某", PID
    buf = io.BytesIO()
    document.save(buf)
    [f] = check_attachment(buf.getvalue(), "名单.docx")
    assert f.details["location"] == "名单.docx 第1个表格第2行"


def test_pdf_attachment_pages():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    chunks = extract_chunks(buf.getvalue(), "a.pdf")
    assert [c.location for c in chunks] == ["第1页"]


def test_broken_or_unknown_attachments_raise_a_chinese_error():
    with pytest.raises(AttachmentError, match="无法解析"):
        extract_chunks(b"PK\x03\x04garbage", "x.xlsx")
    with pytest.raises(AttachmentError, match="不支持的格式"):
        extract_chunks(b"hello", "x.txt")
