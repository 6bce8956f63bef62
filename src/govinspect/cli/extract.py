"""`govinspect extract FILE --url URL [--fetched-at ISO] --json`: the facts of one saved page."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click


@click.command("extract")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--url", required=True, help="页面的网址（用于相对链接和网址中的日期）")
@click.option("--fetched-at", "fetched_at", default=None,
              help="采集时间（ISO 8601，如 2022-06-30T17:00:00+08:00），用于推断相对日期和缺年份的日期")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（字段见 docs/extract.md）")
@click.option("--full", is_flag=True, help="JSON 中包含正文和全部链接（默认省略正文）")
def extract(file: Path, url: str, fetched_at: str | None, as_json: bool, full: bool) -> None:
    """抽取一个已保存网页的要素（页面类型、日期、文号、栏目、列表、页脚标识等）。"""
    from govinspect.extract import extract_page

    anchor = None
    if fetched_at:
        try:
            anchor = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
        except ValueError as exc:
            raise click.BadParameter(f"采集时间格式不正确：{fetched_at!r}，应为 ISO 8601，"
                                     "如 2022-06-30T17:00:00+08:00", param_hint="--fetched-at") from exc
    try:
        body = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"无法读取文件 {file}：{exc.strerror or exc}") from exc
    problem = not_a_page(body)
    if problem:
        raise click.ClickException(f"{file} {problem}，不是网页（HTML）文件，未抽取")
    facts = extract_page(body, url, anchor)
    data = facts.to_json()
    if not full:
        data.pop("main_text", None)
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    shown = [("页面类型", data["page_type"]), ("标题", data["title"]), ("发布日期", data["pub_date"]),
             ("成文日期", data["written_date"]), ("文号", data["doc_number"]),
             ("规范文号", data["doc_number_normalized"]), ("发布机构", data["issuer"]),
             ("索引号", data["index_no"]), ("网站标识码", data["site_id_code"]),
             ("栏目", data["column_name"]), ("栏目类别", data["column_category"]),
             ("列表条目", len(data["list_items"])), ("编码", data["encoding"]["detected"])]
    for name, value in shown:
        click.echo(f"{name}：{value if value not in (None, '') else '—'}")
    for problem in data["doc_number_problems"] + data["date_problems"]:
        click.echo(f"问题：{problem}")


_MAGIC = ((b"%PDF", "是 PDF 文件"), (b"PK\x03\x04", "是 ZIP 压缩包（或 docx/xlsx 等 Office 文件）"),
          (b"\xd0\xcf\x11\xe0", "是旧版 Office 文件（doc/xls）"), (b"\x89PNG", "是 PNG 图片"),
          (b"\xff\xd8\xff", "是 JPEG 图片"), (b"GIF8", "是 GIF 图片"),
          (b"\x1f\x8b", "是 gzip 压缩数据"), (b"Rar!", "是 RAR 压缩包"),
          (b"7z\xbc\xaf", "是 7z 压缩包"))


def not_a_page(body: bytes) -> str | None:
    """Why ``body`` is no web page (zh-hans), or None: empty, a known binary format, or
    binary data (NUL bytes outside a UTF-16 text)."""
    if not body.strip():
        return "为空（没有内容）"
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return what
    head = body[:8192]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        return "是二进制数据"
    return None
