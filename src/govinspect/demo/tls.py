"""TLS material of the demo network: a demo certificate authority and one certificate per
site, issued when the network is built, and the server side's SNI contexts.

Keys and serial numbers are random (not drawn from the seed) and validity is counted from the
real clock (TLS clients check certificates against it, not against the round's *t*); which
site gets which kind of certificate is in the plan (``Network.transport``) and the manifest.
EC P-256 keys: issuing the default network's ~50 certificates takes a few milliseconds."""

from __future__ import annotations

import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from govinspect.demo.model import SiteTransport

CA_NAME = "示例市电子政务CA（govinspect 演示）"
# The name a misissued certificate is for: the city's shared site platform (集约化平台), whose
# certificate a site moved onto the platform still presents.
OTHER_HOSTS = ("jyh.shishi.gov.cn", "*.jyh.shishi.gov.cn")
EXPIRED_DAYS_AGO = 40  # an expired certificate ran out this many days before it was issued


@dataclass(frozen=True)
class DemoTLS:
    """The demo CA (PEM) and, per site host, the PEM chain its HTTPS listener presents
    (certificate, then private key)."""

    ca_pem: bytes
    chains: dict[str, bytes] = field(default_factory=dict)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "示例市大数据中心"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | None = None) -> bytes:
    out = cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        out += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return out


def issue(sites: Mapping[str, tuple[tuple[str, ...], SiteTransport]],
          now: datetime | None = None) -> DemoTLS:
    """A new demo CA and a certificate for every site with HTTPS.

    ``sites``: site host → (all its host names, its transport). ``valid`` certificates name the
    site's hosts and run ``cert_days`` from now; ``expired`` ones name them too but ran out
    ``EXPIRED_DAYS_AGO`` days ago; ``other_host`` ones are valid for ``OTHER_HOSTS`` only."""
    now = now or datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(CA_NAME)
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski)
    chains: dict[str, bytes] = {}
    for host, (names, plan) in sites.items():
        if not plan.https:
            continue
        if plan.cert == "expired":
            start, end = now - timedelta(days=365 + EXPIRED_DAYS_AGO), \
                now - timedelta(days=EXPIRED_DAYS_AGO)
        else:
            start, end = now - timedelta(days=1), now + timedelta(days=plan.cert_days)
        dns = OTHER_HOSTS if plan.cert == "other_host" else names
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(dns[0])).issuer_name(ca_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns]),
                               critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                               critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               critical=False)
                .add_extension(aki, critical=False)
                .sign(ca_key, hashes.SHA256()))
        chains[host] = _pem(cert, key)
    return DemoTLS(_pem(ca), chains)


def server_contexts(tls: DemoTLS, aliases: Mapping[str, str]) -> dict[str, ssl.SSLContext]:
    """Site host → server context holding its certificate. Each context picks the context of
    the name the client asks for (SNI; aliases → their site), so one listener can serve any
    site; without SNI, or for an unknown name, it keeps its own certificate."""
    contexts: dict[str, ssl.SSLContext] = {}
    # ssl loads certificates from files only: a private folder that lives for the loading.
    with tempfile.TemporaryDirectory(prefix="govinspect-demo-tls-") as tmp:
        for i, (host, chain) in enumerate(sorted(tls.chains.items())):
            path = Path(tmp) / f"{i}.pem"
            path.write_bytes(chain)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(path)
            contexts[host] = ctx

    def pick(sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, _ctx) -> None:
        if name:
            name = name.lower().rstrip(".")
            chosen = contexts.get(aliases.get(name, name))
            if chosen is not None:
                sock.context = chosen

    for ctx in contexts.values():
        ctx.sni_callback = pick
    return contexts
