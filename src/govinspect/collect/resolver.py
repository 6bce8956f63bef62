"""Name resolution for the crawl: a Scrapy ``TWISTED_DNS_RESOLVER``.

With ``GOVINSPECT_RESOLVE`` (host → IP) set, resolution is closed-world: a mapped host gets its
IP and every other host fails like a DNS error without any real DNS query, so the demo network
and the tests never reach outside. Host names in URLs (and the Host header) stay the real ones.

Private, loopback, link-local and metadata addresses are refused unless
``GOVINSPECT_ALLOW_PRIVATE``, or the host is one the roster names (``GOVINSPECT_PRIVATE_HOSTS``:
an intranet site): the check runs on the resolved address, so a public name pointing inside is
refused too, and so is an address written as a number (``http://2130706433/``) or as IPv6.
The resolver is installed on the reactor, i.e. process-wide (one collect per process).
"""

from __future__ import annotations

from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from govinspect.collect.classify import may_connect, numeric_ip

# Hosts refused by policy in this process (read by errors.classify_exception).
REFUSED_HOSTS: set[str] = set()


class AddressRefused(DNSLookupError):
    """The target resolves to an address this round may not touch."""


class GovResolver(CachingThreadedResolver):
    def __init__(self, reactor: Any, cache_size: int, timeout: float,
                 resolve: dict[str, str] | None, allow_private: bool,
                 private_hosts: list[str] | None = None):
        super().__init__(reactor, cache_size, timeout)
        self.resolve = {k.lower().rstrip("."): v for k, v in resolve.items()} \
            if resolve is not None else None
        self.allow_private = allow_private
        self.private_hosts = frozenset(h.lower() for h in private_hosts or ())

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GovResolver:
        s = crawler.settings
        cache = s.getint("DNSCACHE_SIZE") if s.getbool("DNSCACHE_ENABLED") else 0
        resolve = s.get("GOVINSPECT_RESOLVE")
        return cls(reactor, cache, s.getfloat("DNS_TIMEOUT"),
                   dict(resolve) if resolve is not None else None,
                   s.getbool("GOVINSPECT_ALLOW_PRIVATE"), s.getlist("GOVINSPECT_PRIVATE_HOSTS"))

    def _check(self, ip: str, name: str) -> str:
        if not may_connect(name, ip, self.allow_private, self.private_hosts):
            REFUSED_HOSTS.add(name.lower().rstrip("."))
            raise AddressRefused(f"{name} → {ip}: private or reserved address refused")
        return ip

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred:  # noqa: N802
        key = name.lower().rstrip(".")
        try:
            literal = numeric_ip(key)
            if literal is not None:
                if self.resolve is not None and literal not in self.resolve.values() \
                        and may_connect(key, literal, False, self.private_hosts):
                    REFUSED_HOSTS.add(key)
                    raise AddressRefused(f"{name}: public address outside the closed world")
                return defer.succeed(self._check(literal, name))
            if self.resolve is not None:
                ip = self.resolve.get(key)
                if ip is None:
                    # Closed world: fail as DNS does, without asking anyone.
                    raise DNSLookupError(f"{name}: not in the resolve map (closed world)")
                return defer.succeed(self._check(ip, name))
        except DNSLookupError:
            return defer.fail()
        d = super().getHostByName(name, timeout)
        d.addCallback(self._check, name)
        return d
