"""Throughput of the text rules. Run: ``uv run python bench/bench_text.py``.

* lexicon matching (Aho-Corasick over normalised text) in M chars/s, beside a peer: one
  compiled ``re`` alternation of the same terms (no context checks) on the same input;
* the statistical 错别字 detector in chars/s;
* ``check-text`` with every check on, in MB/s of UTF-8 text (CPU time of one core), on real
  official text that does not repeat (人民日报 + odw sentences, ≈ 0.86 MB), beside the same
  command without the statistical pass (the floor); growth at 1 KB / 100 KB / 1 MB of real text
  and of 年×N (the input that was super-linear, issue 16), as ratios;
* privacy scan of a generated 50-page PDF (text extraction + rules), seconds.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _corpus(min_chars: int) -> str:
    sentences = [x["original_text"] for x in json.loads(
        (DATA / "clean-official" / "acc_rmrb.json").read_text(encoding="utf-8"))]
    base = "\n".join(sentences)
    return (base * (min_chars // len(base) + 1))[:min_chars]


def _pdf(pages: int) -> bytes:
    """A minimal valid PDF: ASCII lines (names as pinyin) with ID and phone numbers."""
    import random

    from govinspect.eval.text import _id18  # deterministic valid IDs

    rng = random.Random(7)
    objects: list[bytes] = []
    kids = []
    for p in range(pages):
        lines = [f"No.{p * 40 + i} Wang Mou ID {_id18(rng)} TEL 0550-301{i:04d}"
                 for i in range(40)]
        stream = "BT /F1 8 Tf 20 780 Td 10 TL " + " ".join(f"({ln}) '" for ln in lines) + " ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream".encode())
        content_id = len(objects)
        objects.append(f"<< /Type /Page /Parent {{PAGES}} 0 R /MediaBox [0 0 595 842] "
                       f"/Contents {content_id} 0 R /Resources << /Font << /F1 {{FONT}} 0 R >> >> >>"
                       .encode())
        kids.append(len(objects))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objects)
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                   f"/Count {pages} >>".encode())
    pages_id = len(objects)
    objects.append(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    root = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        obj = obj.replace(b"{PAGES}", str(pages_id).encode()).replace(b"{FONT}",
                                                                      str(font).encode())
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _distinct_text() -> str:
    sentences = [x["original_text"] for x in json.loads(
        (DATA / "clean-official" / "acc_rmrb.json").read_text(encoding="utf-8"))]
    odw = [line.split("\t")[2] for line in
           (DATA / "ecspell" / "odw.train.tsv").read_text(encoding="utf-8").splitlines()
           if line.count("\t") == 2]
    return "\n".join(sentences + odw)


def _cpu(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def bench_check_text() -> None:
    from govinspect.cli.check_text import run_check_text
    from govinspect.lexicons.spelling import model

    model()
    data = _distinct_text().encode("utf-8")
    run_check_text(b"warm up")
    full = _cpu(lambda: run_check_text(data))
    floor = _cpu(lambda: run_check_text(data, spelling=False))
    print(f"check-text（全部检查，单核 CPU 时间）：{len(data) / full / 1e6:.2f} MB/秒"
          f"（{len(data):,} 字节不重复的真实官方文本，{full:.2f} 秒）")
    print(f"  对照：不含统计错别字检测：{len(data) / floor / 1e6:.2f} MB/秒")
    for name, make in (("真实文本", lambda n: (data * (n // len(data) + 1))[:n]),
                       ("年×N", lambda n: ("年" * (n // 3 + 1)).encode("utf-8")[:n // 3 * 3])):
        sizes = (1_000, 100_000, 1_000_000)
        times = [_cpu(lambda n=n, make=make: run_check_text(
            make(n).decode("utf-8", "ignore").encode()))
                 for n in sizes]
        print(f"  {name} 1 KB / 100 KB / 1 MB：{' / '.join(f'{t:.3f}' for t in times)} 秒；"
              f"1 MB 与 100 KB 之比 {times[2] / max(times[1], 1e-6):.1f}（线性为 10）")


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    from govinspect.lexicons.engine import default_lexicon
    from govinspect.lexicons.spelling import detect, model
    from govinspect.rules.privacy import check_attachment

    lex = default_lexicon()
    text = _corpus(5_000_000)
    secs = _best(lambda: lex.find(text))
    print(f"词库匹配（Aho-Corasick，{len(lex.terms)} 条）：{len(text) / secs / 1e6:.1f} M 字符/秒 "
          f"（{len(text):,} 字符，{secs:.2f} 秒）")
    peer = re.compile("|".join(sorted((re.escape(t.wrong) for t in lex.terms), key=len,
                                      reverse=True)))
    secs = _best(lambda: peer.findall(text), repeat=1)
    print(f"  对照：Python re 交替式（同一词表、无上下文判断）：{len(text) / secs / 1e6:.1f} M 字符/秒")

    model()  # load once, not timed
    sample = _corpus(100_000)
    secs = _best(lambda: [detect(line) for line in sample.split("\n")], repeat=1)
    print(f"统计错别字检测：{len(sample) / secs:,.0f} 字符/秒（{len(sample):,} 字符）")

    bench_check_text()

    pdf = _pdf(50)
    found = []
    secs = _best(lambda: found.append(len(check_attachment(pdf, "名单.pdf"))), repeat=1)
    print(f"50 页 PDF 个人信息扫描：{secs:.2f} 秒，发现 {found[-1]} 处（{len(pdf):,} 字节）")


if __name__ == "__main__":
    main()
