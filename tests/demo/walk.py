"""A minimal link walker over the in-memory demo network (no crawler, no sockets).

Used by the tests to check that the broken links in the network are exactly the planted ones.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

from govinspect.demo.model import Network, Page

SOFT_404_MARK = "页面不存在"


def links_of(page: Page, base: str) -> list[str]:
    doc = lxml.html.fromstring(page.text())
    out = []
    for el, attr in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
        for node in doc.iter(el):
            v = node.get(attr)
            if not v or v.startswith(("javascript:", "mailto:", "#")):
                continue
            out.append(urldefrag(urljoin(base, v.strip()))[0])
    return out


def fetch(net: Network, url: str, max_hops: int = 10) -> tuple[str, Page | None]:
    """Follow redirects; returns (failure or "", final page)."""
    seen = set()
    for _ in range(max_hops):
        host = urlsplit(url).hostname or ""
        if host not in net.resolve:
            return "dns", None
        if url in seen:
            return "redirect_loop", None
        seen.add(url)
        page = net.get(url)
        if page is None:
            return "404", None
        if page.status in (301, 302, 303, 307, 308):
            url = urljoin(url, dict(page.headers)["Location"])
            continue
        if page.status != 200:
            return str(page.status), None
        if page.content_type.startswith("text/html") and SOFT_404_MARK in page.text()[:2000] \
                and "<title>页面不存在" in page.text():
            return "soft404", page
        return "", page
    return "redirect_loop", None


def walk(net: Network) -> tuple[set[tuple[str, str]], set[str]]:
    """BFS from every homepage over the sites' own hosts.

    Returns the broken (parent URL, target URL) pairs and the set of pages crawled.
    """
    site_hosts = {h: s.code for s in net.sites for h in s.hosts}
    queue = deque(s.homepage for s in net.sites)
    crawled: set[str] = set()
    checked: dict[str, str] = {}
    broken: set[tuple[str, str]] = set()
    while queue:
        url = queue.popleft()
        if url in crawled:
            continue
        crawled.add(url)
        failure, page = fetch(net, url)
        if failure or page is None or not page.content_type.startswith("text/html"):
            continue
        for target in links_of(page, url):
            if target not in checked:
                checked[target] = fetch(net, target)[0]
            if checked[target]:
                broken.add((url, target))
                continue
            host = urlsplit(target).hostname
            if host in site_hosts and site_hosts[host] == site_hosts.get(urlsplit(url).hostname):
                queue.append(target)
    return broken, crawled
