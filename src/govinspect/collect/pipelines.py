"""Item pipeline: one item per crawled page → a line in captures.jsonl and its link
occurrences in a scratch file (their statuses are joined in at the end of the run, when every
target has been fetched); one item per archived attachment → a line in attachments.jsonl.

Crash safety (resume after kill -9): every line is written whole and flushed to the OS at
once (a SIGKILL loses nothing the OS has), and fsync'ed at checkpoints (power loss). A page's
link lines are written before its capture line: the capture line is the commit, and a resume
drops link lines whose page has no capture line."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

CAPTURES_PART = "captures.jsonl.part"
LINKS_PENDING = "links.pending.jsonl"
ATTACHMENTS = "attachments.jsonl"
JOURNAL = "journal.jsonl"
FSYNC_EVERY_S = 5.0


class DurableLines:
    """An append-only JSON-lines file: one write + flush per record, fsync at checkpoints."""

    def __init__(self, path: Path):
        self.fh = open(path, "a", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115

    def write(self, text: str) -> None:
        self.fh.write(text)
        self.fh.flush()

    def sync(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        if not self.fh.closed:
            self.sync()
            self.fh.close()


class CollectPipeline:
    def __init__(self, out_dir: Path, crawler: Any = None):
        self.out_dir = out_dir
        self.crawler = crawler
        self._files: dict[str, DurableLines] = {}
        self._last_sync = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectPipeline:
        return cls(Path(crawler.settings.get("GOVINSPECT_OUT_DIR")), crawler)

    def open_spider(self) -> None:
        for name in (CAPTURES_PART, LINKS_PENDING, ATTACHMENTS):
            self._files[name] = DurableLines(self.out_dir / name)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        ledger = self.crawler.spider.ledger
        site = item["site"]
        if "attachment" in item:
            self._files[ATTACHMENTS].write(
                json.dumps(item["attachment"], ensure_ascii=False) + "\n")
            keys, status, failure, detail = item["rec"]
            ledger._log(["rec", keys, status, failure, True, detail])
            ledger.sites[site].summary.attachments += 1
        else:
            parent = item["parent"]
            # One line per page: [site, parent, [[url, key, text, cls, kind] …],
            # [[raw, text, cls, scheme] …] (links that are not HTTP(S) URLs)]
            if item["links"] or item["others"]:
                self._files[LINKS_PENDING].write(json.dumps(
                    [site, parent, item["links"], item["others"]], ensure_ascii=False) + "\n")
            self._files[CAPTURES_PART].write(
                json.dumps(item["capture"], ensure_ascii=False) + "\n")
            ledger.page_done(site, len(item["links"]))
        now = time.monotonic()
        if now - self._last_sync >= FSYNC_EVERY_S:
            self.checkpoint()
            self._last_sync = now
        return item

    def checkpoint(self) -> None:
        for fh in self._files.values():
            fh.sync()
        for hook in getattr(self.crawler, "govinspect_sync", ()):
            hook()

    def close_spider(self) -> None:
        for fh in self._files.values():
            fh.close()
