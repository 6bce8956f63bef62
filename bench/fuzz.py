"""Fuzz: generated hostile pages through page extraction, ``check-text`` and the crawler's
link parser; any uncaught exception is a failure (issue 16.6).

    uv run python bench/fuzz.py [--count 10000] [--seed 1] [--check-text-every 1]
    make fuzz

Inputs (deterministic for a seed): mutations of the real pages (``../shared/data/realpages``
and ``$GOVINSPECT_REALCORPUS`` when present) — random slices, byte flips, insertions,
deletions, splices of two pages, truncation, re-encoding (GB18030, UTF-16, Big5, Latin-1, a
lying ``<meta charset>``) — with hostile constructs inserted: malformed IPv6 URLs
(``http://[fe80::1``), control characters, NUL bytes, unclosed tags, deep nesting, huge
attributes and text nodes, stray ``</html>``, broken entities, ``<base>`` with a bad URL;
plus empty and whitespace-only documents. ``extract_page`` catches everything by contract,
so a ``解析失败`` in its ``errors`` counts as an uncaught exception too. ``check-text`` runs
without the statistical 错别字 pass (linear but slow; its own tests cover it) on every
``--check-text-every``-th input (default: every input); a ``click.ClickException`` (undecodable file) is
its clear error, not a failure. The exit status is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SMALL_SEEDS = [
    b"<html><head><title>t</title></head><body><h1>\xe5\x85\xb3\xe4\xba\x8e</h1></body></html>",
    "<html><body><div class='foot'>网站标识码：3411000001 皖ICP备05000001号 主办单位：某市人民政府办公室"
    "</div><a href='/a_1.html'>链接</a><p>发布日期：2024-01-02 文号：豫政〔2023〕27号</p></body></html>"
    .encode(),
    b"",
]

HOSTILE = [
    '<a href="http://[fe80::1">x</a>', '<a href="http://[::1">y</a>', '<img src="http://[bad">',
    '<base href="http://[fe80::1">', '<a href="https://[::ffff:127.0.0.1]:99999/">z</a>',
    '<a href="http://a.gov.cn:abc/">p</a>', '<a href="//[">q</a>', '<a href="\x00javascript:">',
    "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\ufffe", "\u200b\u200d", "&#0;", "&#xD800;",
    "&#99999999;", "&nbsp", "</html>", "</body>", "<html>", "<body>", "<!--", "-->", "<![CDATA[",
    "<script>", "</script>", "<style>", "<?xml version='1.0' encoding='gbk'?>",
    '<meta charset="utf-16">', '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
    "<font>" * 300, "<div>" * 3000, "<table><tr><td>" * 200, "<p>" * 500,
    '<div style="display:none"><a href="http://[fe80::1/">dark</a></div>',
    '<div title="' + "A" * 100_000 + '">', '<a href="/' + "b" * 50_000 + '">long</a>',
    "文" * 200_000, "发布日期：" * 1000, "〔2023〕" * 500, "号" * 2000,
    "<meta name=\"PubDate\" content=\"2099-13-45\">", "<style>" + "a:b;" * 1000 + "</style>",
    '<p style="' + "color:red;" * 500 + '">', "网站标识码：", "ICP备", "主办：",
]
ENCODINGS = ["utf-8", "gb18030", "utf-16", "utf-16-le", "big5", "latin-1", "utf-8-sig"]


def seeds() -> list[bytes]:
    out: list[bytes] = list(SMALL_SEEDS)
    for folder in (ROOT.parent / "shared" / "data" / "realpages" / "pages",
                   Path(__import__("os").environ.get("GOVINSPECT_REALCORPUS",
                                                     ROOT.parent / "realcorpus")) / "pages"):
        if folder.is_dir():
            out += [p.read_bytes() for p in sorted(folder.glob("*.html"))]
    return out


def _text(rng: random.Random, body: bytes) -> str:
    return body.decode("utf-8", errors=rng.choice(["replace", "ignore", "surrogateescape"]))


def mutate(rng: random.Random, pages: list[bytes]) -> tuple[str, bytes]:
    """One generated input and the name of the mutation that made it."""
    kind = rng.choice(["slice", "flip", "insert", "insert", "delete", "splice", "truncate",
                       "reencode", "empty", "hostile_only", "whole"])
    page = rng.choice(pages)
    if kind == "empty":
        return kind, rng.choice([b"", b" ", b"\n\t \r\n", b"\xef\xbb\xbf", b"\x00" * 10,
                                 b"\xff\xfe", "\u3000\u3000".encode(), b"<", b"<html>"])
    if kind == "hostile_only":
        return kind, "".join(rng.choices(HOSTILE, k=rng.randint(1, 8))).encode("utf-8", "surrogatepass")
    if kind == "whole":
        return kind, page
    if len(page) > 24_000:  # a window keeps most inputs small; whole pages come as "whole"
        start = rng.randrange(len(page) - 20_000)
        page = page[start:start + rng.randint(2_000, 20_000)]
    data = bytearray(page)
    if kind == "slice" and data:
        a = rng.randrange(len(data))
        data = data[a:a + rng.randint(1, 8000)]
    elif kind == "flip" and data:
        for _ in range(rng.randint(1, 50)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "insert":
        for _ in range(rng.randint(1, 4)):
            snippet = rng.choice(HOSTILE).encode("utf-8", "surrogatepass")
            at = rng.randint(0, len(data))
            data[at:at] = snippet
    elif kind == "delete" and data:
        for _ in range(rng.randint(1, 10)):
            if not data:
                break
            a = rng.randrange(len(data))
            del data[a:a + rng.randint(1, 200)]
    elif kind == "splice":
        other = rng.choice(pages)
        a, b = rng.randint(0, len(data)), rng.randint(0, len(other))
        data = data[:a] + other[b:b + 10_000]
    elif kind == "truncate" and data:
        data = data[:rng.randrange(len(data))]
    elif kind == "reencode":
        enc = rng.choice(ENCODINGS)
        text = _text(rng, bytes(data))
        if rng.random() < 0.5:
            text = f'<meta charset="{rng.choice(ENCODINGS)}">' + text
        data = bytearray(text.encode(enc, errors="replace") if enc != "utf-8"
                         else text.encode("utf-8", "surrogatepass"))
    return kind, bytes(data)


def inputs(count: int, seed: int) -> Iterator[tuple[int, str, bytes]]:
    rng = random.Random(seed)
    pages = seeds()
    for n in range(count):
        kind, data = mutate(rng, pages)
        yield n, kind, data


def _targets(check_text_every: int) -> list[tuple[str, Callable[[int, bytes, str], None]]]:
    import click

    from govinspect.cli.check_text import run_check_text
    from govinspect.collect.html import declared_charset, decode_body, parse_html
    from govinspect.extract import extract_page

    def extract(n: int, data: bytes, url: str) -> None:
        facts = extract_page(data, url, "2026-12-01T00:00:00")
        facts.to_json()
        if any(e.startswith("解析失败") for e in facts.errors):
            from govinspect.extract.core import _extract, _parse_anchor

            # run the unguarded body again so that the failure shows where it comes from
            _extract(data, url, _parse_anchor("2026-12-01T00:00:00"), None)

    def check_text(n: int, data: bytes, url: str) -> bool:
        if n % check_text_every:
            return False
        try:
            run_check_text(data, url=url, spelling=False)
        except click.ClickException:
            pass  # the command's clear error for an undecodable file
        return True

    def crawler(n: int, data: bytes, url: str) -> None:
        text, _ = decode_body(data, declared_charset("text/html", data))
        parse_html(text, url, max_links=5000, max_tags=200_000)

    return [("extract", extract), ("check-text", check_text), ("crawler-parse", crawler)]


URLS = ["http://www.a.gov.cn/col/art/2024/t20240102_123456.html", "http://[fe80::1/x.html", "",
        "https://xx.gov.cn:8443/", "not a url", "http://[::1]/a?b=c#d"]


def run(count: int, seed: int, check_text_every: int = 1,
        report: Callable[[str], None] | None = None) -> dict:
    """Run the fuzz; returns counts and up to 20 failures (target, input no., kind, error)."""
    targets = _targets(check_text_every)
    runs: Counter = Counter()
    kinds: Counter = Counter()
    failures: list[dict] = []
    failed = 0
    cpu = Counter()
    for n, kind, data in inputs(count, seed):
        kinds[kind] += 1
        url = URLS[n % len(URLS)]
        for name, fn in targets:
            started = time.process_time()
            try:
                if fn(n, data, url) is not False:
                    runs[name] += 1
            except Exception as exc:  # what the fuzz is looking for
                failed += 1
                if len(failures) < 20:
                    failures.append({"target": name, "input": n, "kind": kind,
                                     "error": f"{type(exc).__name__}: {exc}"[:300],
                                     "where": traceback.format_exc(limit=-4)[-900:]})
            cpu[name] += time.process_time() - started
        if report and (n + 1) % 1000 == 0:
            report(f"{n + 1}/{count} 个输入，未捕获异常 {failed} 个")
    return {"inputs": count, "seed": seed, "runs": dict(runs), "kinds": dict(kinds),
            "uncaught": failed, "cpu_s": {k: round(v, 1) for k, v in cpu.items()},
            "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="模糊测试：抽取、check-text、采集链接解析")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check-text-every", type=int, default=1)
    parser.add_argument("--json", dest="json_out", type=Path, help="结果另存为 JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(args.count, args.seed, args.check_text_every,
                 report=lambda line: print(line, flush=True))
    result["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps({k: v for k, v in result.items() if k != "failures"}, ensure_ascii=False))
    for f in result["failures"]:
        print(f"失败 [{f['target']}] 输入 {f['input']}（{f['kind']}）：{f['error']}\n{f['where']}")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return 1 if result["uncaught"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
