"""Real pages of one site served under their original paths (HTTPS on 127.0.0.1, port 0).

The pages are the shared real pages (``../shared/data/realpages``: bytes outside the repo,
labels with their original URLs); the crawl reaches the host through its closed-world
resolve map. Absolute links to the site itself (``https://HOST/…``) get the server's port
added — the only change to the bytes served; relative links are left as written. A path the
site links but the corpus does not hold is answered with ``fill`` (e.g. a real article page of
the same template for every document id), or 404.

Kept simple on purpose (the demo's real-site mode is the general one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from collect_server import SiteServer

REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "realpages"


def real_pages(prefix: str, folder: Path = REALPAGES) -> dict[str, tuple[str, bytes]]:
    """label id → (original URL, page bytes) for the labelled pages whose id starts so."""
    out = {}
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if label["id"].startswith(prefix) and label.get("url"):
            out[label["id"]] = (label["url"], (folder / "pages" / f"{label['id']}.html")
                                .read_bytes())
    return out


def self_signed(host: str, folder: Path) -> Path:
    """A throwaway certificate for ``host`` (the crawl does not verify certificates)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    path = folder / f"{host}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return path


class RealSiteServer:
    """An HTTPS ``SiteServer`` for one host: ``pages`` (path → bytes), ``fill(path)`` for the
    paths the corpus lacks (None: 404)."""

    def __init__(self, host: str, pages: dict[str, bytes], folder: Path,
                 fill: Callable[[str], bytes | None] | None = None):
        self.host, self.pages, self.fill = host, pages, fill
        self.server = SiteServer(tls_cert=str(self_signed(host, folder)))
        self.server.fallback = self._route
        self.port = self.server.port
        self._own = re.compile(rb"https://" + re.escape(host.encode()) + rb"(?=[/\"'])")

    def _route(self, host: str, path: str) -> tuple[int, dict[str, str], bytes] | None:
        if host != self.host:
            return None
        raw = self.pages.get(path)
        if raw is None and self.fill is not None:
            raw = self.fill(path)
        if raw is None:
            return None
        return 200, {"Content-Type": "text/html; charset=utf-8"}, \
            self._own.sub(f"https://{self.host}:{self.port}".encode(), raw)

    def url(self, path: str) -> str:
        return f"https://{self.host}:{self.port}{path}"

    def __enter__(self) -> RealSiteServer:
        self.server.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.httpd.shutdown()
        self.server.httpd.server_close()


def by_path(pages: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
    """Original path → bytes; a directory URL (``/zwgk/``) is also served as index.html."""
    out = {}
    for url, raw in pages.values():
        path = urlsplit(url).path or "/"
        out[path] = raw
        if path.endswith("/"):
            out[path + "index.html"] = raw
    return out
