"""`govinspect extract` on input that is no web page: a clear message and a non-zero exit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from govinspect.cli.extract import extract, not_a_page


@pytest.mark.parametrize("body, says", [
    (b"", "为空"), (b"  \n\t ", "为空"), (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
    (b"PK\x03\x04\x14\x00", "ZIP"), (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\x00\x01\x02\x03garbage\x00", "二进制"),
])
def test_rejected_with_a_message(tmp_path, body, says):
    path = tmp_path / "input.bin"
    path.write_bytes(body)
    result = CliRunner().invoke(extract, [str(path), "--url", "http://www.a.gov.cn/"])
    assert result.exit_code != 0
    assert says in result.output and "不是网页" in result.output


def test_pages_pass_including_utf16():
    assert not_a_page(b"<html><body>x</body></html>") is None
    assert not_a_page("<html><body>政务</body></html>".encode("utf-16")) is None
    assert not_a_page(b"plain text without markup") is None  # text is parsed as a page


def test_a_page_is_still_extracted(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>通知公告</title></head><body><p>正文</p></body></html>",
                    encoding="utf-8")
    result = CliRunner().invoke(extract, [str(path), "--url", "http://www.a.gov.cn/"])
    assert result.exit_code == 0, result.output
    assert "通知公告" in result.output
