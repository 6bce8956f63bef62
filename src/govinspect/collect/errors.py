"""Map download exceptions (Twisted, Scrapy, OpenSSL) to ``LinkFailure`` classes."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from govinspect.collect.resolver import REFUSED_HOSTS, AddressRefused
from govinspect.core.types import LinkFailure


class RedirectLoop(IgnoreRequest):
    """A redirect chain came back to a URL it had already visited."""


class RobotsDisallowed(Exception):
    pass


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes, and the reasons wrapped inside Twisted's ResponseFailed."""
    out: list[BaseException] = []
    todo = [exc]
    while todo and len(out) < 20:
        e = todo.pop()
        out.append(e)
        if e.__cause__ is not None:
            todo.append(e.__cause__)
        if e.__context__ is not None and e.__context__ is not e.__cause__:
            todo.append(e.__context__)
        if isinstance(e, ResponseFailed | ResponseNeverReceived):
            todo.extend(r.value for r in e.reasons if isinstance(r, Failure))
    return out


def classify_exception(exc: BaseException, host: str | None = None) -> LinkFailure:
    chain = _chain(exc)
    # Twisted's endpoint turns every resolver error into a plain DNSLookupError, so a refusal
    # by policy is recognised by its host.
    if any(isinstance(e, AddressRefused) for e in chain) or (host and host in REFUSED_HOSTS):
        return LinkFailure.OTHER  # refused by policy, not a fault of the site
    for e in chain:
        if isinstance(e, RedirectLoop):
            return LinkFailure.REDIRECT_LOOP
        if isinstance(e, IgnoreRequest) and "redirect" in str(e):
            return LinkFailure.REDIRECT_LOOP
        if isinstance(e, CannotResolveHostError | tx_error.DNSLookupError):
            return LinkFailure.DNS
        if isinstance(e, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
            return LinkFailure.REFUSED
        if isinstance(e, DownloadTimeoutError | tx_error.TimeoutError | tx_error.TCPTimedOutError):
            return LinkFailure.TIMEOUT
        mod = type(e).__module__
        if mod.startswith("OpenSSL") or "SSL" in type(e).__name__ \
                or isinstance(e, tx_error.CertificateError):
            return LinkFailure.TLS
    text = " ".join(f"{type(e).__name__} {e}" for e in chain).lower()
    if "certificate" in text or "ssl" in text or "tls" in text or "handshake" in text:
        return LinkFailure.TLS
    if "timed out" in text or "timeout" in text:
        return LinkFailure.TIMEOUT
    if "refused" in text:
        return LinkFailure.REFUSED
    return LinkFailure.OTHER


def exception_detail(exc: BaseException, host: str | None = None) -> dict | None:
    """What a failure class alone does not say: a refusal by policy (a private, loopback,
    link-local or metadata address the round may not touch) names the host refused."""
    chain = _chain(exc)
    refused = next((e for e in chain if isinstance(e, AddressRefused)), None)
    if refused is not None or (host and host in REFUSED_HOSTS):
        return {"kind": "policy_refused", "target": host or "",
                "reason": str(refused)[:200] if refused else "private or reserved address"}
    return None
