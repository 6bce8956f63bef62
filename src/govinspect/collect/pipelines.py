"""Item pipeline: one item per crawled page → a line in captures.jsonl and its link
occurrences in a scratch file (their statuses are joined in at the end of the run, when every
target has been fetched)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CAPTURES_PART = "captures.jsonl.part"
LINKS_PENDING = "links.pending.jsonl"


class CollectPipeline:
    def __init__(self, out_dir: Path, crawler: Any = None):
        self.out_dir = out_dir
        self.crawler = crawler
        self._captures: Any = None
        self._links: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectPipeline:
        return cls(Path(crawler.settings.get("GOVINSPECT_OUT_DIR")), crawler)

    def open_spider(self) -> None:
        # Large buffers, no fsync: the run is the unit of durability.
        self._captures = open(self.out_dir / CAPTURES_PART, "w", encoding="utf-8",  # noqa: SIM115
                              buffering=1 << 20)
        self._links = open(self.out_dir / LINKS_PENDING, "w", encoding="utf-8",  # noqa: SIM115
                           buffering=1 << 20)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self._captures.write(json.dumps(item["capture"], ensure_ascii=False) + "\n")
        site, parent = item["site"], item["parent"]
        write = self._links.write
        for url, key, text, cls, kind in item["links"]:
            write(json.dumps([site, parent, url, key, text, cls, kind], ensure_ascii=False))
            write("\n")
        self.crawler.spider.ledger.page_done(site, len(item["links"]))
        return item

    def close_spider(self) -> None:
        for fh in (self._captures, self._links):
            if fh is not None:
                fh.close()
