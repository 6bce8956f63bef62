"""``collect_sites``: crawl a list of sites into WARC + captures.jsonl + links.jsonl.

Runs Scrapy in-process with ``CrawlerProcess``. Twisted's reactor can run only once per
process, so ``collect_sites`` can be called once per process; a caller that needs more (a
worker, a test, a round that collects again) uses ``python -m govinspect.collect`` or
``collect_sites_subprocess``, which run the same function in a fresh process.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govinspect.collect.ledger import Ledger
from govinspect.collect.options import (
    CollectOptions,
    CollectSummary,
    ProgressEvent,
    SiteSummary,
)
from govinspect.collect.pipelines import CAPTURES_PART, LINKS_PENDING
from govinspect.core.types import LinkFailure, SiteKind, SiteRef

__all__ = [
    "CollectError",
    "CollectOptions",
    "CollectSummary",
    "ProgressEvent",
    "SiteSummary",
    "build_settings",
    "collect_sites",
    "collect_sites_subprocess",
    "load_sites",
    "sites_to_json",
]

CAPTURES = "captures.jsonl"
LINKS = "links.jsonl"
SUMMARY = "summary.json"


class CollectError(ValueError):
    """Bad input or an unusable output folder; the message is for the office (zh-hans)."""


# --- settings ---------------------------------------------------------------------------

def build_settings(options: CollectOptions, out_dir: Path) -> dict[str, Any]:
    """The Scrapy settings of a collect run; ``options.scrapy_settings`` wins over these."""
    pkg = "govinspect.collect"
    settings: dict[str, Any] = {
        "BOT_NAME": "govinspect",
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "CONCURRENT_REQUESTS": options.total_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.per_host_concurrency,
        "DOWNLOAD_DELAY": options.download_delay,
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(options.download_delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.per_host_concurrency),
        "DOWNLOAD_TIMEOUT": options.timeout_s,
        "DNS_TIMEOUT": options.timeout_s,
        "DOWNLOAD_MAXSIZE": options.max_download_bytes,
        "DOWNLOAD_WARNSIZE": options.max_download_bytes,
        "DOWNLOAD_FAIL_ON_DATALOSS": False,  # keep what a broken server sent, flagged
        "TWISTED_DNS_RESOLVER": f"{pkg}.resolver.GovResolver",
        "RETRY_TIMES": options.retry_times,
        "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",  # a dead link is a fact, not an error
        "REDIRECT_MAX_TIMES": options.max_redirects,
        "HTTPERROR_ALLOW_ALL": True,
        # One item per page and a synchronous pipeline: Scrapy's default (100) starts 100
        # worker tasks for every callback's output, which costs more than the page itself.
        "CONCURRENT_ITEMS": 4,
        "DEPTH_LIMIT": 0,  # depth is bounded by the ledger (max_depth), per site
        # Breadth first, so that caps keep the pages nearest the homepage.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{pkg}.middlewares.BackoffRetryMiddleware": 550,
            f"{pkg}.middlewares.RedirectCycleMiddleware": 650,
            f"{pkg}.middlewares.WarcMiddleware": 950,
        },
        "EXTENSIONS": {f"{pkg}.middlewares.CheckBodyCap": 500},
        "ITEM_PIPELINES": {f"{pkg}.pipelines.CollectPipeline": 300},
        # No control ports: the telnet console and the remote-control HTTP server (which
        # executes code sent to it) have no place on an inspection worker.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": options.log_level,
        "LOG_INSTALL_ROOT_HANDLER": False,  # the caller (CLI, worker) owns logging
        "GOVINSPECT_OUT_DIR": str(out_dir),
        "GOVINSPECT_RESOLVE": options.resolve,
        "GOVINSPECT_ALLOW_PRIVATE": options.allow_private,
        "GOVINSPECT_WARC_MAX_BYTES": options.warc_max_bytes,
        "GOVINSPECT_RETRY_BACKOFF": options.retry_backoff_s,
        "GOVINSPECT_RETRY_AFTER_MAX": options.retry_after_max_s,
        "GOVINSPECT_CHECK_BODY_BYTES": options.check_body_bytes,
    }
    settings.update(options.scrapy_settings)
    return settings


# --- input ------------------------------------------------------------------------------

def _validate(sites: list[SiteRef]) -> None:
    if not sites:
        raise CollectError("采集清单为空：至少需要一个网站")
    seen: set[str] = set()
    for i, site in enumerate(sites, 1):
        where = f"第 {i} 个网站（{site.code or '无标识码'}）"
        if not site.code:
            raise CollectError(f"{where}缺少网站标识码")
        if site.code in seen:
            raise CollectError(f"{where}：网站标识码重复")
        seen.add(site.code)
        parts = urlsplit(site.homepage)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CollectError(f"{where}的首页地址无效：{site.homepage!r}")
        if site.hosts and site.hosts[0].lower() != parts.hostname.lower():
            raise CollectError(f"{where}：hosts 的第一个应为首页域名 {parts.hostname}")


def load_sites(path: Path) -> list[SiteRef]:
    """Read a SITES.json (a list of {code, name, homepage, kind, hosts})."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise CollectError(f"找不到网站清单文件：{path}") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CollectError(f"网站清单文件 {path} 不是有效的 JSON：{e}") from e
    if not isinstance(data, list):
        raise CollectError(f"网站清单文件 {path} 应为 JSON 数组")
    sites = []
    for i, row in enumerate(data, 1):
        try:
            kind = row.get("kind", SiteKind.PORTAL.value)
            kind = SiteKind[kind] if kind in SiteKind.__members__ else SiteKind(kind)
            homepage = row["homepage"]
            hosts = tuple(row.get("hosts") or (urlsplit(homepage).hostname or "",))
            sites.append(SiteRef(code=str(row["code"]), name=row.get("name", ""),
                                 homepage=homepage, kind=kind, hosts=hosts))
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise CollectError(f"网站清单文件 {path} 第 {i} 项有误：{e!r}") from e
    return sites


def sites_to_json(sites: list[SiteRef]) -> str:
    return json.dumps([{**asdict(s), "kind": s.kind.value, "hosts": list(s.hosts)}
                       for s in sites], ensure_ascii=False, indent=1)


def _prepare_out_dir(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    warc = out_dir / "warc"
    if (out_dir / SUMMARY).exists() or (out_dir / CAPTURES).exists() or \
            (warc.exists() and any(warc.iterdir())):
        raise CollectError(f"输出目录 {out_dir} 中已有采集结果，请换一个空目录")
    for stale in (CAPTURES_PART, LINKS_PENDING, LINKS + ".part"):
        (out_dir / stale).unlink(missing_ok=True)


def _reactor_already_ran() -> bool:
    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import reactor

    return bool(getattr(reactor, "_startedBefore", False) or getattr(reactor, "running", False))


# --- run --------------------------------------------------------------------------------

def collect_sites(
    sites: list[SiteRef],
    out_dir: Path,
    options: CollectOptions | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
) -> CollectSummary:
    """Crawl ``sites`` into ``out_dir``. Once per process (Twisted's reactor cannot restart)."""
    options = options or CollectOptions()
    out_dir = Path(out_dir)
    _validate(sites)
    if _reactor_already_ran():
        raise CollectError("本进程已运行过一次采集（Twisted reactor 不能重启）；"
                           "请改用 python -m govinspect.collect 或 collect_sites_subprocess")
    _prepare_out_dir(out_dir)

    from scrapy.crawler import CrawlerProcess

    from govinspect.collect.spider import GovSpider

    started = datetime.now(UTC)
    t0 = time.monotonic()
    ledger = Ledger(sites, options, progress)
    # Scrapy leaves the root logger at NOTSET without its own handler; keep the caller's
    # handlers quiet (a DEBUG line per item would also cost real time). Set before and after:
    # CrawlerProcess logs at start-up and reconfigures logging.
    quiet = ("scrapy", "twisted", "govinspect.collect")
    for name in quiet:
        logging.getLogger(name).setLevel(options.log_level)
    process = CrawlerProcess(build_settings(options, out_dir))
    for name in quiet:
        logging.getLogger(name).setLevel(options.log_level)
    crawler = process.create_crawler(GovSpider)
    process.crawl(crawler, ledger=ledger)
    process.start(install_signal_handlers=threading.current_thread() is threading.main_thread())
    if not (out_dir / CAPTURES_PART).exists():
        raise CollectError(f"采集未能启动，输出目录 {out_dir} 未写入结果（详见日志）")

    link_total = _write_links(out_dir, ledger)
    os.replace(out_dir / CAPTURES_PART, out_dir / CAPTURES)
    writer = getattr(crawler, "govinspect_warc", None)
    summary = CollectSummary(
        out_dir=str(out_dir),
        started_at=started.isoformat(),
        finished_at=datetime.now(UTC).isoformat(),
        elapsed_s=round(time.monotonic() - t0, 3),
        pages_total=ledger.pages_total,
        link_checks_total=link_total,
        targets_checked=ledger.targets_checked,
        warc_files=list(writer.files) if writer else [],
        sites={code: st.summary for code, st in ledger.sites.items()},
        notes=_notes(ledger),
    )
    _atomic_write(out_dir / SUMMARY, json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    ledger.emit("", done=True)
    return summary


def _write_links(out_dir: Path, ledger: Ledger) -> int:
    """Join every link occurrence with the status of its target → links.jsonl."""
    pending = out_dir / LINKS_PENDING
    part = out_dir / (LINKS + ".part")
    total = 0
    with open(pending, encoding="utf-8") as src, \
            open(part, "w", encoding="utf-8", buffering=1 << 20) as dst:
        for line in src:
            site, parent, url, key, text, cls, kind = json.loads(line)
            found = ledger.status.get(key)
            summary = ledger.sites[site].summary
            if found is None:
                summary.unchecked_links += 1
                continue
            status, failure = found
            dst.write(json.dumps({
                "site_code": site, "parent_url": parent, "url": url, "text": text,
                "link_class": cls, "resource_kind": kind, "status": status,
                "failure": failure.value if failure else None,
            }, ensure_ascii=False))
            dst.write("\n")
            total += 1
            summary.link_checks += 1
            if failure is LinkFailure.BLOCKED:
                summary.blocked_links += 1
            elif failure is not None:
                summary.broken_links += 1
    os.replace(part, out_dir / LINKS)
    pending.unlink()
    return total


def _notes(ledger: Ledger) -> list[str]:
    notes = []
    o = ledger.options
    for st in ledger.sites.values():
        s = st.summary
        name = f"{st.site.name or st.site.code}（{st.site.code}）"
        if s.page_cap_hit:
            notes.append(f"{name}页面数达到上限 {o.max_pages_per_site}，其余页面未采集")
        if s.depth_cap_hit:
            notes.append(f"{name}存在深度超过 {o.max_depth} 层的页面，未继续采集")
        if s.robots_disallowed:
            notes.append(f"{name}有 {s.robots_disallowed} 个页面被 robots.txt 禁止采集，仅检查了状态")
        if s.homepage_failure:
            notes.append(f"{name}首页无法正常访问（{s.homepage_failure}）")
        if s.unchecked_links:
            notes.append(f"{name}有 {s.unchecked_links} 处链接未检查（超出采集上限）")
    return notes


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- in a fresh process -----------------------------------------------------------------

def collect_sites_subprocess(
    sites: list[SiteRef],
    out_dir: Path,
    options: CollectOptions | None = None,
    timeout: float | None = None,
) -> CollectSummary:
    """Same as ``collect_sites`` in a fresh Python process (a fresh reactor each time)."""
    options = options or CollectOptions()
    _validate(sites)
    with tempfile.TemporaryDirectory(prefix="govinspect-collect-") as tmp:
        sites_json = Path(tmp) / "sites.json"
        opts_json = Path(tmp) / "options.json"
        sites_json.write_text(sites_to_json(sites), encoding="utf-8")
        opts_json.write_text(json.dumps(options.to_dict(), ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "govinspect.collect", str(sites_json), str(out_dir),
             "--options", str(opts_json), "--quiet"],
            capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise CollectError(f"采集子进程失败（退出码 {proc.returncode}）：{proc.stderr.strip()[-2000:]}")
    return read_summary(Path(out_dir))


def read_summary(out_dir: Path) -> CollectSummary:
    return CollectSummary.from_dict(
        json.loads((Path(out_dir) / SUMMARY).read_text(encoding="utf-8")))
