"""The demo's "fix" switch: what a planted problem's page looks like once its unit fixed it.

``corrected_pages(net, entries)`` (pure) answers, for manifest entries, the served resources
that replace the planted ones: a broken link is removed from the page that carried it (what a
unit does with a link whose target is gone), a planted wrong text (错别字, wrong leader name,
abolished institution, a leaked ID card or mobile number …) is replaced by its correct form or
masked. ``DemoServer.fix(*entries)`` serves them from then on (``unfix()`` goes back), so the
rectification loop's automatic re-check can be shown and tested over HTTP: the unit marks the
item 已整改, the platform re-fetches the page and re-runs the rule, and finds the problem gone
(or, without the switch, still there)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from govinspect.demo.model import Network, Page

DEAD_LINK_KINDS = ("dead_link_404", "dead_link_dns", "dead_link_attachment", "dead_link_image",
                   "dead_link_soft404", "dead_link_redirect_loop")
# planted text → its correction (the entry's ``correct``) or, for leaked personal data, a mask
TEXT_KINDS = ("typo", "wrong_leader_name", "wrong_leader_title", "abolished_institution",
              "personal_id", "mobile_number")
FIXABLE_KINDS = DEAD_LINK_KINDS + TEXT_KINDS


class FixError(ValueError):
    """The entry cannot be fixed by the switch (message in Chinese)."""


def _key(net: Network, url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return net.aliases.get(host, host), target


def _mask(kind: str, text: str) -> str:
    if kind == "personal_id":
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return text[:3] + "****" + text[-4:]  # mobile_number


def _without_link(html: str, hrefs: Iterable[str]) -> str:
    for href in hrefs:
        h = re.escape(href)
        html = re.sub(rf'<a\b[^>]*\bhref="{h}"[^>]*>.*?</a>', "", html, flags=re.S)
        html = re.sub(rf'<img\b[^>]*\bsrc="{h}"[^>]*>', "", html)
    return html


def _fixed_text(entry: Mapping, html: str) -> str:
    kind, wrong = entry["kind"], entry.get("text") or ""
    if not wrong or wrong not in html:
        raise FixError(f"页面中找不到预设问题文字：{wrong!r}")
    right = _mask(kind, wrong) if kind in ("personal_id", "mobile_number") \
        else entry.get("correct")
    if not right:
        raise FixError(f"预设问题 {kind} 没有更正后的文字")
    return html.replace(wrong, right)


def corrected_pages(net: Network, entries: Iterable[Mapping],
                    served: Mapping[tuple[str, str], Page] | None = None
                    ) -> dict[tuple[str, str], Page]:
    """(host, target) → the corrected resource, for every page the ``entries`` touch.
    ``served``: corrections already in force (two fixes on one page compose)."""
    out: dict[tuple[str, str], Page] = dict(served or {})
    for entry in entries:
        kind = entry.get("kind", "")
        if kind not in FIXABLE_KINDS or entry.get("negative"):
            raise FixError(f"示例网站群不能修正这类预设问题：{kind}")
        page_url = entry["parent_url"] if kind in DEAD_LINK_KINDS else entry["url"]
        key = _key(net, page_url)
        page = out.get(key) or net.lookup(*key)
        if page is None or page.encoding is None:
            raise FixError(f"找不到预设问题所在页面：{page_url}")
        html = page.text()
        if kind in DEAD_LINK_KINDS:
            target = urlsplit(entry["url"])
            path = (target.path or "/") + (f"?{target.query}" if target.query else "")
            fixed = _without_link(html, (entry["url"], path))
        else:
            fixed = _fixed_text(entry, html)
        if fixed == html:
            raise FixError(f"页面中找不到预设问题：{entry['url']}")
        out[key] = replace(page, body=fixed.encode(page.encoding))
    return out
