"""Data model of the demo network: sites, served pages, the ground-truth manifest.

Pure: building these objects touches no network; ``Network.write`` is the only I/O here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from govinspect.core.types import SiteKind

if TYPE_CHECKING:
    from govinspect.demo.tls import DemoTLS


@dataclass(frozen=True)
class DemoSite:
    """One site of the fictional city, as it appears in the roster."""

    code: str  # 网站标识码
    name: str  # 网站名称
    unit: str  # 主办单位
    kind: SiteKind
    region: str  # 市直 or the county's name
    hosts: tuple[str, ...]  # homepage host first
    ip: str
    homepage: str  # absolute URL, rendered for the network's port
    slug: str  # short internal name (pinyin), used in file names
    encoding: str = "utf-8"  # encoding of this site's pages

    @property
    def host(self) -> str:
        return self.hosts[0]


@dataclass(frozen=True)
class Page:
    """One served resource: a page, an attachment, an image or a redirect."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    encoding: str | None = "utf-8"  # the true encoding of ``body`` when it is text

    def text(self) -> str:
        """The body decoded with its true encoding (what manifest offsets refer to)."""
        return self.body.decode(self.encoding or "utf-8")


class Manifest(list):
    """The ground truth: a list of dicts (see docs/demo-network.md) with selection helpers."""

    def select(self, indicator: str | None = None, kind: str | None = None,
               site: str | None = None, negative: bool | None = False) -> list[dict]:
        """Entries matching every given filter. Look-alikes (``negative``) are left out unless
        ``negative=True`` (only look-alikes) or ``negative=None`` (both)."""
        out = []
        for e in self:
            if indicator is not None and e.get("indicator") != indicator:
                continue
            if kind is not None and e.get("kind") != kind:
                continue
            if site is not None and e.get("site") != site:
                continue
            if negative is not None and bool(e.get("negative", False)) != negative:
                continue
            out.append(e)
        return out

    def kinds(self, negative: bool = False) -> set[str]:
        return {e["kind"] for e in self if bool(e.get("negative", False)) == negative}


@dataclass(frozen=True)
class SiteTransport:
    """How one site answers at the transport level (only when the network serves TLS).

    ``https``: a TLS listener on the site's address (False: HTTP only). ``redirect``: plain
    HTTP answers 301 to the same URL over HTTPS; such a site's canonical URLs (roster
    homepage, links, manifest) are ``https://``, every other site's stay ``http://``.
    ``hsts``: HTTPS answers carry Strict-Transport-Security. ``cert``: ``valid`` (issued by
    the demo CA for the site's hosts), ``expired`` or ``other_host`` (valid dates, another
    name); ``cert_days`` is how long a valid certificate still runs when it is issued."""

    https: bool = True
    redirect: bool = True
    hsts: bool = True
    cert: str = "valid"  # valid | expired | other_host
    cert_days: int = 365

    @property
    def scheme(self) -> str:
        return "https" if self.https and self.redirect else "http"


CA_FILE = "tls/ca.pem"  # in the written network folder

# IPv6 of a site (networks built with ``ipv6=True``): its hosts' AAAA record in
# ``Network.resolve6`` and the IPv6 listener ([::1]:port) answering for it; ``missing``: no AAAA
# record; ``broken``: an AAAA record, but the IPv6 listener closes its connections unanswered.
IPV6_MODES = ("ok", "missing", "broken")
IPV6_LOOPBACK = "::1"


# A page generated on request (crawler traps): (path, query) -> Page or None.
DynamicHandler = Callable[[str, str], "Page | None"]


@dataclass
class Network:
    """The whole demo network: roster, served resources, ground truth."""

    seed: int
    port: int
    t: str  # ISO 8601 reference time of the round
    sites: list[DemoSite]
    pages: dict[tuple[str, str], Page]  # (host, path[?query]) -> Page
    manifest: Manifest
    resolve: dict[str, str]  # host -> ip, for every served host (external ones included)
    accounts: list[dict] = field(default_factory=list)  # new-media accounts (demo.accounts)
    files: dict[str, bytes] = field(default_factory=dict)  # other files written beside roster.csv
    # Served behaviour that is not a static file (only when faults are on).
    dynamic: dict[str, DynamicHandler] = field(default_factory=dict)  # host -> handler
    slow_hosts: dict[str, tuple[float, float]] = field(default_factory=dict)  # host -> delay s
    flaky: dict[tuple[str, str], int] = field(default_factory=dict)  # (host, path) -> every Nth
    catch_all_hosts: frozenset[str] = frozenset()  # external hosts: one page for every URL
    aliases: dict[str, str] = field(default_factory=dict)  # other host -> the site's host
    # TLS (only when built with an https_port): site host -> transport, and the key material
    # (demo CA + one certificate per site), generated with the network but not from the seed.
    https_port: int | None = None
    transport: dict[str, SiteTransport] = field(default_factory=dict)
    tls: DemoTLS | None = None
    # IPv6 (only when built with ipv6=True): site host → IPV6_MODES, and the AAAA records
    # (host → IPv6 address, aliases included) of the sites that have one.
    ipv6: dict[str, str] = field(default_factory=dict)
    resolve6: dict[str, str] = field(default_factory=dict)

    # -- lookup -------------------------------------------------------------------------
    def lookup(self, host: str, target: str) -> Page | None:
        """The resource served for ``host`` and a request target (path with query).

        This is what the server answers (apart from fault timing); tests walk the network
        through it without a server. ``None`` means 404.
        """
        host = host.lower().split(":")[0]
        host = self.aliases.get(host, host)
        page = self.pages.get((host, target))
        if page is not None:
            return page
        path, _, query = target.partition("?")
        if host in self.catch_all_hosts:  # external sites: any path shows their page
            return self.pages.get((host, "/"))
        handler = self.dynamic.get(host)
        if handler is not None:
            return handler(path, query)
        return None

    def get(self, url: str) -> Page | None:
        """Lookup by absolute URL (the port in the URL is ignored)."""
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        return self.lookup(parts.hostname or "", target)

    def site_by_code(self, code: str) -> DemoSite:
        for s in self.sites:
            if s.code == code:
                return s
        raise KeyError(code)

    def transport_of(self, host: str) -> SiteTransport | None:
        """The transport of the site serving ``host`` (aliases included); None: no TLS plan
        for it (external hosts, or a network built without TLS)."""
        host = host.lower().split(":")[0]
        return self.transport.get(self.aliases.get(host, host))

    def ipv6_of(self, host: str) -> str | None:
        """The IPv6 mode of the site serving ``host`` (aliases included); None: the network
        has no IPv6 plan for it (external hosts, or a network built without IPv6)."""
        host = host.lower().split(":")[0]
        return self.ipv6.get(self.aliases.get(host, host))

    def origin_of(self, host: str) -> str:
        """``scheme://host[:port]`` as the network's pages and manifest write ``host``."""
        t = self.transport_of(host)
        if t is not None and t.scheme == "https" and self.https_port is not None:
            return origin(host, self.https_port, "https")
        return origin(host, self.port)

    def url(self, host: str, path: str) -> str:
        return self.origin_of(host) + path

    # -- output -------------------------------------------------------------------------
    def roster_csv(self) -> str:
        """The roster in the import format (UTF-8, comma separated, 其他域名 joined by ';')."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["网站标识码", "网站名称", "首页网址", "网站类型", "主办单位", "所属地区", "其他域名"])
        for s in self.sites:
            w.writerow([s.code, s.name, s.homepage, s.kind.value, s.unit, s.region,
                        ";".join(s.hosts[1:])])
        return buf.getvalue()

    def manifest_json(self) -> str:
        doc = {
            "format": "govinspect-demo-manifest/1",
            "seed": self.seed,
            "port": self.port,
            "https_port": self.https_port,
            "t": self.t,
            "offsets": "characters of the page body decoded with its true encoding",
            "sites": [
                {"code": s.code, "name": s.name, "unit": s.unit, "kind": s.kind.value,
                 "region": s.region, "hosts": list(s.hosts), "ip": s.ip,
                 "homepage": s.homepage, "encoding": s.encoding,
                 **({"transport": asdict(self.transport[s.host])}
                    if s.host in self.transport else {}),
                 **({"ipv6": self.ipv6[s.host]} if s.host in self.ipv6 else {})}
                for s in self.sites
            ],
            "resolve": dict(sorted(self.resolve.items())),
            "resolve6": dict(sorted(self.resolve6.items())) if self.ipv6 else None,
            "entries": list(self.manifest),
        }
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"

    def iter_files(self) -> Iterator[tuple[str, bytes]]:
        """(relative file name, bytes) for every static resource: ``HOST/PATH``.

        A path ending in ``/`` is written as ``index.html`` inside it; a query becomes part
        of the name after ``%3F``.
        """
        for (host, target), page in sorted(self.pages.items()):
            rel = target.lstrip("/")
            if rel == "" or rel.endswith("/"):
                if (host, target + "index.html") in self.pages:
                    continue  # the same page is written as index.html
                rel += "index.html"
            rel = rel.replace("?", "%3F")
            yield f"{host}/{rel}", page.body

    def write(self, out_dir: str | os.PathLike) -> Path:
        """Write pages (``site/HOST/…``), ``manifest.json`` and ``roster.csv`` (and, when the
        network serves TLS, ``tls/ca.pem``: the demo CA a client must trust) atomically:
        everything goes to a temporary folder first, then replaces ``out_dir``."""
        out = Path(out_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".demo-", dir=out.parent))
        try:
            for rel, body in self.iter_files():
                p = tmp / "site" / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(body)
            (tmp / "manifest.json").write_text(self.manifest_json(), encoding="utf-8")
            (tmp / "roster.csv").write_text(self.roster_csv(), encoding="utf-8")
            for name, data in sorted(self.files.items()):
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)  # lexicons/…
                (tmp / name).write_bytes(data)
            if self.tls is not None:
                (tmp / CA_FILE).parent.mkdir(parents=True, exist_ok=True)
                (tmp / CA_FILE).write_bytes(self.tls.ca_pem)
            if out.exists():
                old = out.with_name(out.name + ".old")
                if old.exists():
                    _rmtree(old)
                out.rename(old)
                tmp.rename(out)
                _rmtree(old)
            else:
                tmp.rename(out)
        except BaseException:
            _rmtree(tmp)
            raise
        return out


def _rmtree(p: Path) -> None:
    import shutil

    shutil.rmtree(p, ignore_errors=True)


def origin(host: str, port: int, scheme: str = "http") -> str:
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" if port == default else f"{scheme}://{host}:{port}"
