"""Which HTML parser reads government pages as a browser does: lxml (libxml2) with the
repairs in ``govinspect.extract.dom`` against lexbor (selectolax, an HTML5 parser), on the
real pages and on hostile constructs. Figures: per-page CPU time and agreement on links.

    uv run --with selectolax python bench/bench_parsers.py [--repeat 3]

selectolax is not a project dependency; without it only lxml's figures are printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import real_pages  # noqa: E402

from govinspect.extract.dom import parse_tree  # noqa: E402
from govinspect.extract.encoding import decode  # noqa: E402

_PLAIN = etree.HTMLParser(remove_comments=True, no_network=True)

HOSTILE = {
    "control character": "<html><body><p>a\x0bb</p><a href='/1'>1</a></body></html>",
    "300 unclosed <font>": "<html><body>" + "<font>x" * 300
    + "".join(f"<a href='/{i}'>{i}</a>" for i in range(300)) + "</body></html>",
    "text node > 10 MB": "<html><body><p>" + "a" * (11 << 20) + "</p><a href='/z'>z</a></body></html>",
    "100,000-level nesting": "<html><body>" + "<div>" * 100_000 + "<a href='/d'>d</a>"
    + "</div>" * 100_000 + "</body></html>",
    "stray </html> in an include": "<html><body><p>x</p></body></html><div>inc</div></html>"
    "<a href='/f'>f</a></body></html>",
}


def lxml_plain(text):
    try:
        root = etree.fromstring(text, _PLAIN)
    except (etree.ParserError, ValueError):
        return None
    return sum(1 for a in root.iter("a") if a.get("href"))


def lxml_repaired(text):
    return sum(1 for a in parse_tree(text).iter("a") if a.get("href"))


def lexbor(text):
    from selectolax.lexbor import LexborHTMLParser

    return len(LexborHTMLParser(text).css("a[href]"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import selectolax  # noqa: F401
        have_lexbor = True
    except ImportError:
        have_lexbor = False
    texts = [decode(body)[0] for body, *_ in real_pages()]
    extra = Path(__file__).resolve().parents[1].parent / "realcorpus" / "pages"
    if extra.is_dir():
        texts += [decode(p.read_bytes())[0] for p in sorted(extra.glob("*.html"))]
    contenders = [("lxml (plain)", lxml_plain), ("lxml + repairs (ours)", lxml_repaired)]
    if have_lexbor:
        contenders.append(("lexbor (selectolax)", lexbor))
    print(f"{len(texts)} real pages, repeated {args.repeat}x")
    counts = {}
    for name, fn in contenders:
        started = time.process_time()
        for _ in range(args.repeat):
            counts[name] = [fn(t) for t in texts]
        ms = (time.process_time() - started) * 1000 / (len(texts) * args.repeat)
        print(f"  {name:24s} {ms:6.2f} ms/page CPU, {sum(c or 0 for c in counts[name])} links")
    if have_lexbor:
        ours, ref = counts["lxml + repairs (ours)"], counts["lexbor (selectolax)"]
        same = sum(1 for a, b in zip(ours, ref, strict=True) if a == b)
        print(f"  pages where ours and lexbor find the same number of links: {same}/{len(texts)}")
    print("hostile constructs (links found):")
    for label, html in HOSTILE.items():
        row = [f"{name}={fn(html)}" for name, fn in contenders]
        print(f"  {label:28s} " + "  ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
