"""New-media collection adapters: I/O shells around pure parsers.

- ``parse_weibo_json(data, captured_at)`` — Weibo mobile JSON → posts (relative dates resolved);
- ``parse_wechat_article(html, url="")`` — 公众号 article page → post (true time from ``ct``);
- ``parse_feed(data, captured_at=None)`` — RSS / Atom / JSON Feed → posts;
- ``read_inspection_xlsx(path)`` / ``write_inspection_template(path)`` — inspectors' record;
- ``fetch`` — thin polite live fetchers (never used by tests against the internet).
"""

from govinspect.collect.newmedia.common import NewMediaFormatError
from govinspect.collect.newmedia.feeds import parse_feed
from govinspect.collect.newmedia.inspection import (
    read_inspection_xlsx,
    write_inspection_template,
)
from govinspect.collect.newmedia.wechat import parse_wechat_article
from govinspect.collect.newmedia.weibo import parse_weibo_json, parse_weibo_time

__all__ = [
    "NewMediaFormatError", "parse_feed", "parse_wechat_article", "parse_weibo_json",
    "parse_weibo_time", "read_inspection_xlsx", "write_inspection_template",
]
