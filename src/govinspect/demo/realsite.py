"""Real-site mode: captured real pages served under their original hosts and paths.

A folder of captured pages becomes a ``Network`` (the demo's model) that ``serve_network``
serves like the demo: each site host on its own 127.0.0.N (``--resolve`` style), plain HTTP on
``port`` and, for the hosts whose captured URLs are ``https://``, HTTPS on ``https_port``
(certificates of a throwaway CA; plain HTTP answers 301 to HTTPS there). So a whole round —
crawl, link checks, analysis, reports — runs on real markup with no outside network.

Two folder layouts are read:

- a labelled corpus (``labels.jsonl`` + ``pages/<id>.html``, the layout of
  ``../shared/data/realpages`` and of ``$GOVINSPECT_REALCORPUS``): each label with a ``url`` is
  served at that URL; labels without one are skipped (listed in ``problems``);
- a mirror (``HOST/PATH`` files, e.g. ``wget -x`` output or ``Network.write``'s ``site/``):
  every file under a folder named like a host is served at ``http://HOST/PATH``, an
  ``index.html`` also at its folder's URL.

What is changed in the bytes served: absolute links to a served host (``http://HOST``,
``https://HOST``) get the server's port when it is not the scheme's default — nothing else.
Hosts the pages link to but the folder does not hold (portals of other governments, news
sites, registries) are answered by one stand-in page for every path (``catch_all_hosts``,
like the demo's external sites), so an outside link is never reported broken offline;
whether it works on the real web is not measured here. A path of a served host that the
folder lacks is answered by a ``fill`` rule with a captured page (for a site whose capture
holds a few articles of a template and links hundreds), else by a short "not captured"
placeholder that is no HTML nor any document (``application/octet-stream``): the crawl neither reports it broken nor analyses it as a page — an uncaptured path is unknown,
not broken (``missing_404=True`` answers 404 instead).

Pure: building touches no network.
"""

from __future__ import annotations

import json
import mimetypes
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from govinspect.core.types import SiteKind
from govinspect.demo.model import DemoSite, Manifest, Network, Page, SiteTransport, origin

FIRST_SITE_IP = 2  # 127.0.0.2, as in the demo network
_HOST_DIR = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_LINKED_HOST = re.compile(rb"(?:https?:|(?<=[\"'(=]))//([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
                          rb"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+)(?::\d+)?(?![\w.-])")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_SITE_CODE = re.compile(r"^\d{10}$")
STAND_IN = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{host}</title></head>"
            "<body><p>外部网站 {host} 的离线替身页面（实网页模式不访问互联网）。</p></body></html>")


class RealSiteError(ValueError):
    """The folder cannot be served (message in Chinese)."""


@dataclass(frozen=True)
class Captured:
    """One captured resource: its original URL, its bytes and its label ({} without one)."""

    url: str
    body: bytes
    label: dict = field(default_factory=dict)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class FillRule:
    """Paths of ``host`` matching ``pattern`` (and not captured) are answered with ``body``."""

    host: str
    pattern: re.Pattern[str]
    body: bytes


def read_captured(folder: str | Path, labels: str | Path | None = None
                  ) -> tuple[list[Captured], list[str]]:
    """The captured pages of ``folder`` (either layout) and the problems met (in Chinese).
    ``labels``: a label file kept elsewhere (the project corpus keeps its labels in
    tests/realcorpus and the bytes in $GOVINSPECT_REALCORPUS/pages)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RealSiteError(f"目录不存在：{folder}")
    if labels is not None and not Path(labels).is_file():
        raise RealSiteError(f"标注文件不存在：{labels}")
    labels = Path(labels) if labels is not None else folder / "labels.jsonl"
    if labels.is_file():
        return _read_labelled(folder, labels)
    return _read_mirror(folder)


def _read_labelled(folder: Path, labels: Path) -> tuple[list[Captured], list[str]]:
    out, problems = [], []
    for n, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RealSiteError(f"{labels} 第 {n} 行不是有效的 JSON：{exc}") from exc
        pid, url = label.get("id", f"第{n}行"), label.get("url")
        if not url or not urlsplit(url).hostname:
            problems.append(f"{pid}：标注中没有原网址，未提供")
            continue
        page = folder / "pages" / f"{pid}.html"
        if not page.is_file():
            problems.append(f"{pid}：缺少页面文件 {page}")
            continue
        out.append(Captured(url, page.read_bytes(), label))
    return out, problems


def _read_mirror(folder: Path) -> tuple[list[Captured], list[str]]:
    out, problems = [], []
    for host_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        host = host_dir.name.lower()
        if not _HOST_DIR.match(host):
            problems.append(f"{host_dir.name}：不像主机名的目录，已跳过")
            continue
        for f in sorted(p for p in host_dir.rglob("*") if p.is_file()):
            rel = f.relative_to(host_dir).as_posix().replace("%3F", "?")
            if rel == "index.html" or rel.endswith("/index.html"):
                rel = rel[: -len("index.html")]  # served at both URLs
            out.append(Captured(f"http://{host}/{rel}", f.read_bytes()))
    if not out:
        problems.append(f"{folder}：既没有 labels.jsonl，也没有按主机名存放的页面")
    return out, problems


def _content_type(c: Captured) -> tuple[str, str | None]:
    """(Content-Type, true encoding) for a captured resource."""
    path = urlsplit(c.url).path
    guessed = mimetypes.guess_type(path)[0] if not path.endswith("/") else None
    if guessed is not None and not guessed.startswith("text/html") \
            and not c.body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        return guessed, None
    m = _META_CHARSET.search(c.body[:4096])
    charset = m.group(1).decode("ascii").lower() if m else None
    return (f"text/html; charset={charset}" if charset else "text/html"), charset or "utf-8"


def _site_name(host: str, labels: Iterable[dict]) -> str:
    for label in labels:
        site = (label.get("site") or "").strip()
        if site:
            return re.split(r"\s*[（(]", site, maxsplit=1)[0] or host
    return host


def _site_kind(host: str, labels: Iterable[dict]) -> SiteKind:
    """The label's ``site_kind`` (门户/部门/专项) when given; else 门户 for ``www.`` hosts and
    部门 for the others (a guess: a real roster says what each site is)."""
    for label in labels:
        kind = label.get("site_kind")
        if kind in {k.value for k in SiteKind}:
            return SiteKind(kind)
    return SiteKind.PORTAL if host.startswith("www.") else SiteKind.DEPARTMENT


def _site_code(host: str, labels: Iterable[dict], taken: set[str]) -> str:
    for label in labels:
        code = str(label.get("site_id_code") or "")
        if _SITE_CODE.match(code) and code not in taken:
            return code
    n = zlib.crc32(host.encode()) % 100_000_000
    while f"99{n:08d}" in taken:  # 99…: no real 网站标识码 region starts so
        n = (n + 1) % 100_000_000
    return f"99{n:08d}"


def build_real_network(captured: list[Captured], *, port: int = 80,
                       https_port: int | None = None, t: str = "",
                       fill: Iterable[FillRule] = (), hosts: Iterable[str] | None = None,
                       missing_404: bool = False) -> Network:
    """The served network of ``captured`` pages (``hosts``: only these site hosts).

    Raises ``RealSiteError`` when nothing is left to serve or a host captured over HTTPS has
    no ``https_port`` to be served on."""
    wanted = {h.lower() for h in hosts} if hosts is not None else None
    by_host: dict[str, list[Captured]] = {}
    for c in captured:
        if c.host and (wanted is None or c.host in wanted):
            by_host.setdefault(c.host, []).append(c)
    if not by_host:
        raise RealSiteError("没有可提供的页面" + (f"（主机 {', '.join(sorted(wanted))}）"
                                                  if wanted else ""))
    https_hosts = {h for h, cs in by_host.items() if any(c.url.startswith("https:") for c in cs)}
    if https_hosts and https_port is None:
        raise RealSiteError(f"这些网站的页面以 https 采集，需要 HTTPS 端口：{', '.join(sorted(https_hosts))}")
    linked: set[str] = set()
    for cs in by_host.values():
        for c in cs:
            linked.update(m.group(1).decode("ascii").lower() for m in _LINKED_HOST.finditer(c.body))
    # an address written as a number cannot be mapped (the crawl refuses such a literal
    # outside the resolve map): it stays unreachable offline
    external = sorted(h for h in linked - set(by_host) if not re.fullmatch(r"[\d.]+", h))
    sites, resolve, taken = [], {}, set()
    for n, host in enumerate(sorted(by_host)):
        cs = by_host[host]
        labels = [c.label for c in cs]
        code = _site_code(host, labels, taken)
        taken.add(code)
        scheme = "https" if host in https_hosts else "http"
        home = min(cs, key=lambda c: (c.path.count("/"), len(c.path), c.path)).path
        ip = f"127.0.0.{FIRST_SITE_IP + n}"
        name = _site_name(host, labels)
        homepage = origin(host, https_port if scheme == "https" else port, scheme) + home
        sites.append(DemoSite(code=code, name=name, unit=name, kind=_site_kind(host, labels),
                              region="市直", hosts=(host,), ip=ip, homepage=homepage,
                              slug=host.replace(".", "-")))
        resolve[host] = ip
    if FIRST_SITE_IP + len(sites) > 254:
        raise RealSiteError(f"网站过多（{len(sites)} 家），127.0.0.x 地址不够")
    external_ip = f"127.0.0.{FIRST_SITE_IP + len(sites)}"
    for host in external:
        resolve[host] = external_ip
    # every site answers on both schemes (pages link their own and sibling sites either way);
    # plain HTTP redirects to HTTPS where the pages were captured over HTTPS
    transport = {h: SiteTransport(https=True, redirect=h in https_hosts, hsts=False)
                 for h in by_host}
    for host in external:  # outside hosts answer on both schemes, as they were linked
        transport[host] = SiteTransport(https=True, redirect=False, hsts=False)

    def ported(body: bytes, scheme: str = "http") -> bytes:
        return _add_ports(body, resolve, port, https_port, scheme)

    pages: dict[tuple[str, str], Page] = {}
    for host, cs in by_host.items():
        for c in cs:
            ctype, enc = _content_type(c)
            body = ported(c.body, urlsplit(c.url).scheme) if enc else c.body
            page = Page(body, content_type=ctype, encoding=enc)
            pages[(host, c.path)] = page
            if c.path.endswith("/"):
                pages.setdefault((host, c.path + "index.html"), page)
            elif c.path.endswith("/index.html"):
                pages.setdefault((host, c.path[: -len("index.html")]), page)
    for host in external:
        pages[(host, "/")] = Page(STAND_IN.format(host=host).encode())
    dynamic = {}
    rules: dict[str, list[FillRule]] = {}
    for rule in fill:
        rules.setdefault(rule.host.lower(), []).append(rule)
    for host in by_host:
        scheme = "https" if host in https_hosts else "http"
        dynamic[host] = _filler(rules.get(host, []),
                                lambda body, scheme=scheme: ported(body, scheme), missing_404)
    tls = None
    if https_port is not None and transport:
        from govinspect.demo.tls import issue

        tls = issue({h: ((h,), plan) for h, plan in transport.items()})
    return Network(seed=0, port=port, t=t, sites=sites, pages=pages, manifest=Manifest(),
                   resolve=resolve, dynamic=dynamic, catch_all_hosts=frozenset(external),
                   https_port=https_port, transport=transport, tls=tls)


NOT_CAPTURED = "未采集：实网页模式下该网站的这一路径没有采集到的内容".encode()


def _filler(rules: list[FillRule], ported, missing_404: bool):
    bodies = [ported(r.body) for r in rules]

    def answer(path: str, query: str) -> Page | None:
        for rule, body in zip(rules, bodies, strict=True):
            if rule.pattern.search(path):
                return Page(body)
        if missing_404:
            return None
        return Page(NOT_CAPTURED, content_type="application/octet-stream", encoding=None)

    return answer


def _add_ports(body: bytes, resolve: dict[str, str], port: int, https_port: int | None,
               scheme: str = "http") -> bytes:
    """``http(s)://HOST[:ANY]`` → ``http(s)://HOST[:PORT]`` for the served hosts: the server's
    port for the scheme, left out when it is the default (the only change made to the bytes
    served; an outside host linked with its own port is served on this one). A
    protocol-relative ``//HOST`` (in an attribute or ``url(``) gets the port of the page's own
    ``scheme``, the one a browser resolves it with."""
    targets = {"http": port, "https": https_port if https_port is not None else 443}
    hosts = b"|".join(re.escape(h.encode()) for h in sorted(resolve, key=len, reverse=True))
    pattern = re.compile(rb"(?:(https?):|(?<=[\"'(=]))//(" + hosts + rb")(?::\d+)?(?![\w.:-])",
                         re.I)

    def sub(m: re.Match[bytes]) -> bytes:
        host = m.group(2).decode()
        if m.group(1) is None:  # protocol-relative
            return origin(host, targets[scheme], scheme).encode()[len(scheme) + 1:]
        written = m.group(1).decode().lower()
        return origin(host, targets[written], written).encode()

    return pattern.sub(sub, body)


def fill_rule(spec: str, captured: list[Captured]) -> FillRule:
    """``REGEX=ID`` (a label id, or a captured URL): paths matching REGEX on that page's host
    are answered with that page."""
    pattern, sep, ref = spec.rpartition("=")
    if not sep or not pattern:
        raise RealSiteError(f"--fill 应写作 正则表达式=页面标识：{spec}")
    for c in captured:
        if c.label.get("id") == ref or c.url == ref:
            try:
                return FillRule(c.host, re.compile(pattern), c.body)
            except re.error as exc:
                raise RealSiteError(f"--fill 的正则表达式无效：{pattern}（{exc}）") from exc
    raise RealSiteError(f"--fill 指向的页面不存在：{ref}")
