"""Pure judgements the collector needs to record facts: where a link points, what kind of
resource it is, and why a response counts as failed. No Scrapy, no network."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from govinspect.core.types import LinkClass, LinkFailure, ResourceKind

ATTACHMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .xls .xlsx .wps .et .zip .rar .ofd .ppt .pptx .7z .txt .csv .dps".split()
)
IMAGE_EXTENSIONS = frozenset(".jpg .jpeg .png .gif .bmp .webp .svg .ico .tif .tiff".split())
SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "about:", "sms:", "ftp:")

# The bundled public suffix snapshot only: never download the list at run time.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """``www.shishi.gov.cn`` → ``shishi.gov.cn``; IPs and bare names stay as they are."""
    host = host.lower().rstrip(".")
    if is_ip(host):
        return host
    return _TLD(host).top_domain_under_public_suffix or host


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_forbidden_ip(ip: str) -> bool:
    """Private, loopback, link-local (the cloud metadata address 169.254.169.254 too),
    reserved, and IPv4 inside IPv6 (::ffff:127.0.0.1) …: refused unless the round allows it."""
    addr = ipaddress.ip_address(ip.strip("[]"))
    mapped = getattr(addr, "ipv4_mapped", None)
    if mapped is not None and not mapped.is_global:
        return True
    return not addr.is_global


_NUMERIC_HOST = re.compile(r"^[0-9][0-9a-fA-FxX.]*$")


def numeric_ip(host: str) -> str | None:
    """The address a host written as a number stands for, in every form a C resolver accepts
    (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``, ``[::1]``); None for names."""
    h = host.strip("[]").rstrip(".")
    try:
        return str(ipaddress.ip_address(h))
    except ValueError:
        pass
    if not _NUMERIC_HOST.match(h):
        return None
    import socket

    try:
        return str(ipaddress.IPv4Address(socket.inet_aton(h)))
    except OSError:
        return None


def may_connect(host: str, ip: str, allow_private: bool,
                private_hosts: frozenset[str] | set[str] | list[str] = ()) -> bool:
    """Whether the round may connect to ``ip`` for ``host``: public addresses always; private,
    loopback, link-local and metadata ones with ``allow_private``, or for a host the roster
    names in ``private_hosts`` (the name itself: never a redirect to another name)."""
    if allow_private or not is_forbidden_ip(ip):
        return True
    return host.lower().strip("[]").rstrip(".") in private_hosts


def link_class(target_host: str, site_hosts: frozenset[str], site_domains: frozenset[str]) -> LinkClass:
    host = target_host.lower()
    if host in site_hosts:
        return LinkClass.IN_SITE
    if registrable_domain(host) in site_domains:
        return LinkClass.SAME_DOMAIN
    return LinkClass.OUTBOUND


@lru_cache(maxsize=1 << 14)  # navigation and footer links recur on every page of a site
def url_extension(url: str) -> str:
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:]:
        return ""
    return path[dot:]


def resource_kind(url: str, tag: str) -> ResourceKind:
    """``img`` → image; a link whose path ends like a document → attachment; else page."""
    if tag == "img":
        return ResourceKind.IMAGE
    ext = url_extension(url)
    if ext in ATTACHMENT_EXTENSIONS:
        return ResourceKind.ATTACHMENT
    if ext in IMAGE_EXTENSIONS:
        return ResourceKind.IMAGE
    return ResourceKind.PAGE


# --- response failures -------------------------------------------------------------------

_SOFT404_TITLE = re.compile(
    r"(?<!\d)404(?!\d)|页面不存在|页面未找到|找不到(?:该|您要的|您所访问的|所请求的)?页面|not\s*found|"
    r"页面已删除|页面已失效|信息已删除|访问的页面不存在|出错了|错误页面",
    re.IGNORECASE,
)
# Strong phrases only: a short page that merely links to "404" or says 找不到 in passing is
# not an error page. A bare "404" counts in the title, not in the body.
_SOFT404_BODY = re.compile(
    r"您(?:所)?(?:访问|请求|查看|要找)的(?:页面|网页|信息|内容|文章)(?:不存在|已删除|已被删除|找不到)|"
    r"页面不存在|页面未找到|网页不存在|找不到(?:该|您要的|您所访问的|所请求的|相关)?(?:页面|网页|文件)|"
    r"(?<!\d)404\s*(?:not\s*found|错误|页面)|错误\s*(?:代码)?[:：]?\s*404(?!\d)|"
    r"HTTP\s*(?:错误\s*)?404(?!\d)|page\s+not\s+found|页面已删除|信息已删除",
    re.IGNORECASE,
)
# Error pages are short; a real article that merely mentions 找不到 is long.
SOFT404_MAX_TEXT = 1500
SOFT404_TITLE_MAX_TEXT = 4000

_CHALLENGE = re.compile(
    r"(?:安全|人机|访问|滑动|身份|浏览器)验证|安全狗|云锁|\bWAF\b|网站防火墙|"
    r"请(?:开启|启用|打开)\s*JavaScript|enable\s+JavaScript|"
    r"(?:访问|请求)(?:被|已被)(?:拒绝|拦截|阻断)|设置拦截|安全防护|创宇盾|知道创宇|加速乐|__jsl|"
    r"cloudflare|Access Denied",
    re.IGNORECASE,
)
CHALLENGE_MAX_TEXT = 3000  # challenge pages are short; a real page mentions 验证码 in passing
BLOCKING_STATUSES = frozenset({403, 412, 418, 429, 468, 521, 567})
_INDEX_PATH = re.compile(r"^/(?:(?:index|default|main)\.(?:s?html?|jsp|aspx?|php))?$", re.IGNORECASE)


def is_soft404_page(title: str, text: str) -> bool:
    """A 200 page whose title or short body says the page does not exist."""
    n = len(text)
    if title and _SOFT404_TITLE.search(title) and n <= SOFT404_TITLE_MAX_TEXT:
        return True
    return n <= SOFT404_MAX_TEXT and bool(_SOFT404_BODY.search(text))


def is_challenge_page(title: str, text: str) -> bool:
    if len(text) > CHALLENGE_MAX_TEXT:
        return False
    return bool(_CHALLENGE.search(title) or _CHALLENGE.search(text))


def is_homepage_redirect(original_url: str, final_url: str) -> bool:
    """A deep URL that lands on the site root: the classic soft 404 of CMS sites."""
    if not original_url or original_url == final_url:
        return False
    o, f = urlsplit(original_url), urlsplit(final_url)
    if registrable_domain(o.hostname or "") != registrable_domain(f.hostname or ""):
        return False
    return not _INDEX_PATH.match(o.path or "/") and bool(_INDEX_PATH.match(f.path or "/")) \
        and not f.query


def classify_response(
    status: int,
    original_url: str,
    final_url: str,
    *,
    title: str = "",
    text: str | None = None,
) -> LinkFailure | None:
    """Failure class of a response (after redirects); ``None`` when it works.

    ``text`` is the visible text when a body was read (``None`` for HEAD checks): the soft-404
    and challenge tests need it.
    """
    if status in BLOCKING_STATUSES and text is not None and is_challenge_page(title, text):
        return LinkFailure.BLOCKED
    if 400 <= status < 500:
        return LinkFailure.HTTP_4XX
    if status >= 500:
        return LinkFailure.HTTP_5XX
    if 300 <= status < 400:
        # A redirect that was not followed (no Location, or too many hops).
        return LinkFailure.REDIRECT_LOOP
    if is_homepage_redirect(original_url, final_url):
        return LinkFailure.SOFT_404
    if status == 200 and text is not None and is_soft404_page(title, text):
        return LinkFailure.SOFT_404
    return None


# --- Retry-After ---------------------------------------------------------------------------

def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110
    §10.2.3) relative to ``now`` (a Unix time); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        from datetime import UTC

        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)
