"""What the new-media parsers share: the error they raise and HTML → text."""

from __future__ import annotations

import re


class NewMediaFormatError(ValueError):
    """The input is not in the expected platform format; the message (zh-hans) names where."""


_WS = re.compile(r"[ \t\r\f\v\u3000]+")
_NL = re.compile(r"\s*\n\s*")


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment (Weibo ``text``, feed summaries, article bodies);
    ``<br>`` and block ends become line breaks."""
    if not fragment or "<" not in fragment:
        return _NL.sub("\n", _WS.sub(" ", fragment or "")).strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several kinds on junk; text is best effort
        return re.sub(r"<[^>]+>", "", fragment).strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter("p", "div", "section", "li", "h1", "h2", "h3", "h4", "tr"):
        el.tail = "\n" + (el.tail or "")
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    text = root.text_content()
    return _NL.sub("\n", _WS.sub(" ", text)).strip()
