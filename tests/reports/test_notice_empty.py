"""A round where every 通报 attachment is empty: the 通报 is still written, each empty
attachment says "无", and no file is left half-written (issue 15)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import SiteKind, SiteRef
from govinspect.indicators.round import SiteEntry, score_round
from govinspect.reports.notice import NoticeMeta, build_notice, render_html, write_docx, write_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def empty_notice():
    iset = load_indicator_set("national-2019")
    # one clean portal: no 部门 to rank (附件1), nothing failed (附件2), no accounts (附件3)
    portal = SiteEntry(SiteRef("3411000001", "示例市人民政府", "http://127.0.0.1/",
                               SiteKind.PORTAL), "市直部门", "市政府")
    summary = score_round(iset, [portal], [])
    d = dt.date(2022, 7, 27)
    meta = NoticeMeta("示例市人民政府办公室", 2022, 2, d, d, d)
    return build_notice(summary, iset, meta)


def test_every_empty_attachment_is_written_as_none(tmp_path):
    notice = empty_notice()
    assert [t.rows for t in notice.attachments] == [(), (), ()]
    xlsx = write_xlsx(notice, tmp_path / "附件.xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["附件1", "附件2", "附件3"]
    for ws in wb.worksheets:
        assert ws.cell(3, 1).value == "无"
    doc = Document(str(write_docx(notice, tmp_path / "通报.docx")))
    assert len(doc.tables) == 3
    for table in doc.tables:
        assert [c.text for c in table.rows[1].cells][0] == "无"
    assert "附件：1．" in "\n".join(p.text for p in doc.paragraphs)
    html = render_html(notice)
    assert html.count(">无</td>") == 3
    assert "\n无\n" in notice.text
    assert not list(tmp_path.glob("*.part"))


def test_a_failed_write_leaves_no_part_file(tmp_path, monkeypatch):
    notice = empty_notice()
    from openpyxl import Workbook

    def broken(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken)
    with pytest.raises(OSError):
        write_xlsx(notice, tmp_path / "附件.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
def test_empty_attachments_open_in_libreoffice(tmp_path):
    notice = empty_notice()
    xlsx = write_xlsx(notice, tmp_path / "attachments.xlsx")
    profile = tmp_path / "lo-profile"
    # the first sheet as UTF-8 CSV (filter options: comma, double quote, UTF-8)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76',
                    "--outdir", str(tmp_path / "out"), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    rows = (tmp_path / "out" / "attachments.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("排名,") and rows[2].startswith("无")
