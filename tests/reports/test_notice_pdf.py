"""The .docx opens in LibreOffice and converts to PDF headless (CI installs LibreOffice)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from chuzhou_round import run

from govinspect.reports.notice import build_notice, write_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice (soffice) 或 pdftotext 未安装：apt-get install -y "
                           "libreoffice-writer-nogui fonts-noto-cjk poppler-utils")
def test_docx_converts_to_pdf_with_the_title(tmp_path):
    iset, summary, meta = run()
    notice = build_notice(summary, iset, meta)
    docx = write_docx(notice, tmp_path / "notice.docx")
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs do not collide
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "notice.pdf"
    assert pdf.is_file()
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert notice.title in flat
    assert "附件1" in flat and "102.18" in flat and "滁州治安在线" in flat
    assert "—1—" in flat  # page number
