"""Message boards (留言/咨询): per message title, 留言时间, 答复时间, 答复单位, reply, status."""

from __future__ import annotations

import re

from govinspect.extract import dates
from govinspect.extract.dom import Doc, clean, linear_text, text_of
from govinspect.extract.facts import Message

ASKED = re.compile(r"(?:留言|提问|咨询|来信|写信|提交)(?:时间|日期)")
ANSWERED = re.compile(r"(?:答复|回复|办理|处理|办结)(?:时间|日期)")
REPLIER = re.compile(r"(?:答复|回复|办理|承办|处理)(?:单位|部门|机构)\s*[:：]\s*([\u4e00-\u9fff（）()]{2,40})")
REPLY = re.compile(r"(?:答复|回复)(?:内容|意见)\s*[:：]\s*(.{2,2000})", re.S)
STATUS = re.compile(r"(已答复|已回复|已办结|未答复|未回复|办理中|处理中|待答复|已受理|不予受理)")
TITLE_LABEL = re.compile(r"(?:留言|信件|来信|咨询)?(?:标题|主题)\s*[:：]\s*(.{2,120})")


def _date_after(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    if not m:
        return None
    found = dates.parse_date(text[m.end():m.end() + 40])
    if not found:
        return None
    day, time = found
    return f"{day.isoformat()}T{time}" if time else day.isoformat()


def messages(doc: Doc) -> list[Message]:
    """One message per smallest block that holds exactly one 留言时间 label."""
    out: list[Message] = []
    # Every element's text is in the visible text and ASKED's labels hold no whitespace, so a
    # page without a label there has none anywhere: 9 pages in 10 skip the walk over the tree.
    if doc.text and ASKED.search(doc.text) is None:
        return out
    blocks: list = []  # keeps the lxml proxies alive so identity comparison is sound
    for el in doc.root.iter():
        own = el.text  # ASKED needs 时间 or 日期: a substring test is cheaper than the regex
        if (own is None or ("时间" not in own and "日期" not in own)
                or not isinstance(el.tag, str) or not ASKED.search(own)):
            continue
        block = el
        for _ in range(6):  # climb until the block also holds the message title
            parent = block.getparent()
            if parent is None:
                break
            text = text_of(parent)
            if len(ASKED.findall(text)) > 1:
                break
            block = parent
            if any(len(clean(text_of(a))) >= 4 for a in block.iter("a")) or TITLE_LABEL.search(text):
                break
        if any(b is block for b in blocks):
            continue
        blocks.append(block)
        text = clean(text_of(block))
        title = None
        m = TITLE_LABEL.search(text)
        if m:
            title = ASKED.split(m.group(1))[0].strip()
        if not title:
            for a in block.iter("a"):
                t = clean(a.get("title")) or clean(text_of(a))
                if len(t) >= 4:
                    title = t
                    break
        if not title:  # no link: the first line of the block before the 留言时间 label
            for line in linear_text(block).split("\n"):
                if ASKED.search(line):
                    break
                if len(line) >= 4:
                    title = line
                    break
        if not title:
            continue
        asked_at = _date_after(ASKED, text)
        if asked_at is None:  # "咨询时间：工作日…" is office hours, not a message
            continue
        replier = REPLIER.search(text)
        reply = REPLY.search(text)
        status = STATUS.search(text)
        out.append(Message(
            title=title,
            asked_at=asked_at,
            answered_at=_date_after(ANSWERED, text),
            replier=replier.group(1) if replier else None,
            reply=clean(reply.group(1))[:2000] if reply else None,
            status=status.group(1) if status else None,
        ))
    return out
