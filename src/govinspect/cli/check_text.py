"""`govinspect check-text FILE --json`: run the text rules on one plain-text or HTML file."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

# The statistical 错别字 pass is linear but the slowest check (≈ 0.3–1 MB/s); beyond this many
# characters of text it stops and says so. Every other check covers the whole text.
SPELLING_MAX_CHARS = 1_000_000

_HTML = re.compile(rb"^\s*(?:<!doctype html|<html|<\?xml|<head|<body|<div|<p[ >]|<meta|<!--)",
                   re.I)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise click.ClickException("无法识别文件编码") from None
        return str(best)


def run_check_text(data: bytes, *, url: str = "", lexicon_dirs: tuple[str, ...] = (),
                   spelling: bool = True, notes: list[str] | None = None,
                   spelling_max_chars: int = SPELLING_MAX_CHARS) -> tuple[list[dict], str | None]:
    """Findings as JSON-ready dicts, and the extracted text when the input was HTML. Limits
    that were hit are appended to ``notes`` (zh-hans, for the user)."""
    from govinspect.lexicons.engine import default_lexicon, load_lexicon
    from govinspect.rules.darklinks import check_dark_links, html_to_text
    from govinspect.rules.text import check_spelling, check_text

    lexicon = load_lexicon(lexicon_dirs) if lexicon_dirs else default_lexicon()
    is_html = bool(_HTML.match(data[:2048]))
    raw = _decode(data)
    extracted = None
    findings = []
    if is_html:
        page = html_to_text(raw)
        extracted = page.text
        findings += check_dark_links(raw, url=url, page=page, lexicon=lexicon)
        text = extracted
    else:
        text = raw
    capped = spelling and len(text) > spelling_max_chars
    findings += check_text(text, url=url, lexicon=lexicon, with_spelling=spelling and not capped)
    if capped:
        findings += check_spelling(text[:spelling_max_chars], url=url, lexicon=lexicon)
        if notes is not None:
            notes.append(f"注意：文本共 {len(text):,} 字，统计错别字检测只检查了前 "
                         f"{spelling_max_chars:,} 字（其余检查覆盖全文）。")
    out = []
    for f in sorted(findings, key=lambda f: (f.details.get("start", 0), f.rule_id)):
        d = f.details
        item = {"rule": f.rule_id, "indicator": f.indicator_id, "category": d.get("category", ""),
                "start": d.get("start", 0), "end": d.get("end", 0), "text": d.get("text", ""),
                "suggestion": d.get("suggestion", ""), "confidence": f.confidence.value,
                "message": f.message}
        if extracted is not None:
            item["text_extracted"] = extracted
        out.append(item)
    return out, extracted


@click.command("check-text")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 列表输出检查结果。")
@click.option("--url", default="", help="页面地址（写入证据）。")
@click.option("--lexicon-dir", "lexicon_dirs", multiple=True,
              type=click.Path(exists=True, path_type=str), help="本单位词库目录或文件，可多次指定。")
@click.option("--no-spelling", is_flag=True, help="不运行统计错别字检测。")
def check_text_command(file: Path, as_json: bool, url: str, lexicon_dirs: tuple[str, ...],
                       no_spelling: bool) -> None:
    """检查一个文本或 HTML 文件中的错敏词、错别字、个人信息泄露和暗链。"""
    from govinspect.lexicons.engine import LexiconError

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"无法读取文件 {file}：{exc.strerror}") from None
    notes: list[str] = []
    try:
        found, _ = run_check_text(data, url=url, lexicon_dirs=lexicon_dirs,
                                  spelling=not no_spelling, notes=notes)
    except LexiconError as exc:
        raise click.ClickException(str(exc)) from None
    for note in notes:
        click.echo(note, err=True)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("未发现问题。")
        return
    for f in found:
        click.echo(f"[{f['rule']} {f['indicator']} {f['confidence']}] {f['start']}-{f['end']} "
                   f"{f['message']}")
    click.echo(f"共 {len(found)} 处。", err=False)
    sys.stdout.flush()
