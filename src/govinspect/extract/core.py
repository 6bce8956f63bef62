"""``extract_page``: bytes + URL + capture time → PageFacts. Pure, and never raises."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from govinspect.extract import columns, dates, docnumber, footer, lists, messages
from govinspect.extract.dom import (
    Doc,
    clean,
    element_text,
    linear_text,
    links,
    parse_shared,
    text_of,
)
from govinspect.extract.encoding import decode
from govinspect.extract.facts import Encoding, Footer, Link, PageFacts

# Meta tags of 政府网站网页设计规范 (lower-cased name → canonical name).
META_NAMES = {
    "sitename": "SiteName", "sitedomain": "SiteDomain", "siteidcode": "SiteIDCode",
    "columnname": "ColumnName", "columntype": "ColumnType", "columndescription": "ColumnDescription",
    "columnkeywords": "ColumnKeywords", "articletitle": "ArticleTitle", "pubdate": "PubDate",
    "contentsource": "ContentSource", "keywords": "Keywords", "description": "Description",
    "desctiption": "Description", "author": "Author", "url": "Url", "image": "Image",
    "pagecategory": "PageCategory",
}
# Replies to deputies' and members' proposals: documents with a 文号, not policies.
REPLY_TITLE = re.compile(r"(?:建议|提案|议案)的?(?:答复|复函|复文|办理)|(?:复函|答复函?|复文)$")
META_DATE_NAMES = ("pubdate", "publishdate", "publish_date", "article:published_time",
                   "firstpublishedtime", "dc.date", "dcterms.issued")
# 信息公开 index box labels (spaces between the characters are common).
XXGK_LABELS = {
    "索引号": "index_no", "主题分类": "category", "分类": "category", "发布机构": "issuer",
    "发文机关": "issuer", "发文单位": "issuer", "成文日期": "written_date", "发文日期": "written_date",
    "文号": "doc_number", "发文字号": "doc_number", "发布日期": "pub_date", "主题词": "keywords",
    "有效性": "validity", "时效": "validity", "公开方式": "open_mode", "公开范围": "open_scope",
}
_XXGK_RE = re.compile(
    r"(?P<label>" + "|".join(r"\s*".join(label) for label in
                            sorted(XXGK_LABELS, key=len, reverse=True)) + r")(?:\s*[:：]|\t)",
)
_SPACE_IN = re.compile(r"\s+")
ATTACHMENT_EXT = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|et|dps|ofd|zip|rar|7z|pptx?|txt|csv)(?:$|\?)", re.I)
ORG_SUFFIX = re.compile(r"(?:人民政府|政府|委员会|管委会|办公室|办公厅|局|厅|委|办|部|院|中心|公司|所|站|队|处|会)$")
SCRIPT_DATE = re.compile(r"(?:pubtime|publishtime|pubdate|publishdate|releasetime)\W{1,6}"
                         r"((?:19|20)\d{2}-\d{1,2}-\d{1,2})", re.I)
ERROR_RE = re.compile(r"(?<![\d.])404(?![\d.])|页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|页面已删除|访问的页面不存在|Not Found", re.I)
SEARCH_RE = re.compile(r"搜索结果|检索结果|共找到|相关结果|找到相关")
GUIDE_RE = re.compile(r"信息公开指南|办事指南|服务指南|公开指南")
TITLE_SPLIT = re.compile(r"\s*(?:_|--|—|\||｜| - )\s*")
# Patterns of _extract and its helpers, compiled once (re's cache lookup costs per call).
_TITLE_DOC_NUMBER = re.compile(r"[（(][^（()）]*号[)）]$")
_TITLE_DOC_NUMBER_IN = re.compile(r"[（(]([^（()）]*号)[)）]$")
_HEADLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:article_?title|detail_?title|title_?name|tit|bt|biaoti|"
                             r"content_?title|news_?title|art_?title|xl_?title)(?:$|[\s_-])", re.I)
_CONTENT_CLASS = re.compile(r"TRS_Editor|zoom|article_?con|content|wenzhang|detail", re.I)
_SIGNATURE_DATE = re.compile(r"[\d〇○零一二三四五六七八九十年月日\s\-./]+")
_GENERATED = re.compile(r"(?:页面生成时间|生成时间|Maketime)\D{0,10}((?:19|20)\d{2}-\d{1,2}-\d{1,2})")
_FIRST_WORDS = re.compile(r"[^\s<]*")
_SEARCH_URL = re.compile(r"search|query|keyword|searchword", re.I)
_REPLY_LABEL = re.compile(r"答复内容|回复内容|答复意见")
_CHANNEL_INDEX = re.compile(r"index\.s?html?$")
_INDEX_NO = re.compile(r"索\s*引\s*号\s*[:：]\s*([A-Za-z0-9/\-_]{6,60})")
HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php",
              "/default.html", "/default.htm", "/main.html", "/index.asp", "/default.aspx"}


def _parse_anchor(fetched_at) -> datetime | None:
    if fetched_at is None:
        return None
    if isinstance(fetched_at, str):
        try:
            fetched_at = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(fetched_at, datetime):
        return fetched_at.replace(tzinfo=None) if fetched_at.tzinfo else fetched_at
    if isinstance(fetched_at, date):
        return datetime(fetched_at.year, fetched_at.month, fetched_at.day)
    return None


def extract_page(body: bytes, url: str, fetched_at: datetime | str | None = None,
                 headers: dict | None = None) -> PageFacts:
    """Facts of one page. Bad input gives empty facts with ``errors`` set, never an exception."""
    try:
        return _extract(body, url or "", _parse_anchor(fetched_at), headers)
    except Exception as exc:  # the contract: extraction never raises
        return _empty(url or "", f"解析失败：{type(exc).__name__}: {exc}"[:300])


def _empty(url: str, error: str) -> PageFacts:
    return PageFacts(url=url, page_type="error", title=None, html_title=None, pub_date=None,
                     pub_datetime=None, written_date=None, doc_number=None,
                     doc_number_normalized=None, doc_number_problems=(), issuer=None,
                     index_no=None, site_id_code=None, site_name=None, column_name=None,
                     column_category=None, content_source=None, footer=Footer(),
                     errors=(error,))


def _meta(doc: Doc) -> dict[str, str]:
    out = {}
    for key, value in doc.meta.items():
        name = META_NAMES.get(key)
        if name and value and name not in out:
            out[name] = value
    return out


_XXGK_VALID = {
    "index_no": re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\-_.]{5,60}$"),
    "written_date": dates.DATE_RE,
    "pub_date": dates.DATE_RE,
}


def _xxgk(doc: Doc) -> dict[str, str]:
    """The 信息公开 index box: label → value, first valid occurrence of each label.

    The value follows the label on the same line (``成文日期：2023-08-21``), in the next table
    cell, or on the next line when the label stands alone.
    """
    block: dict[str, str] = {}
    lines = doc.lines
    for n, line in enumerate(lines):
        if "：" not in line and ":" not in line and "\t" not in line:
            continue
        matches = list(_XXGK_RE.finditer(line))
        for i, m in enumerate(matches):
            if m.start() and "\u4e00" <= line[m.start() - 1] <= "\u9fff":
                continue  # part of a longer word in running text, not a box label
            key = XXGK_LABELS[_SPACE_IN.sub("", m.group("label"))]
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end():end].strip(" \t")
            value = value.split("\t")[0].strip() if value else value
            if not value and i + 1 == len(matches) and n + 1 < len(lines):
                nxt = lines[n + 1]
                if not _XXGK_RE.match(nxt):
                    value = nxt.split("\t")[0].strip()
            if not value or key in block or len(value) > 60 or "。" in value:
                continue
            check = _XXGK_VALID.get(key)
            if check is not None and not check.search(value):
                continue
            block[key] = value
    return block


_TRAILING_DATE = re.compile(r"\s*[（(\[【]?\s*" + dates.DATE + r"\s*[)）\]】]?\s*$")


def _headline(doc: Doc, meta: dict) -> str | None:
    title = meta.get("ArticleTitle")
    if title:
        # "标题(金罚决字〔2024〕36号)": the 文号 is not part of the headline
        stripped = _TITLE_DOC_NUMBER.sub("", title).strip()
        return stripped or title
    site = meta.get("SiteName") or ""
    parts = [p for p in TITLE_SPLIT.split(doc.html_title) if p]
    if parts and len(parts[0]) >= 4 and parts[0] != site:
        if parts[0] in doc.lines:  # the <title>'s first part is shown as a line of its own
            return parts[0]
    for tag in ("h1", "h2"):
        for el in doc.root.iter(tag):
            text = _TRAILING_DATE.sub("", element_text(el))
            if 4 <= len(text) <= 150 and text != site:
                return text
    for el in doc.root.iter("div", "p", "span", "td", "h3"):
        cls, ident = el.get("class"), el.get("id")
        if not cls and not ident:
            continue  # " " cannot match
        if _HEADLINE_CLASS.search((cls or "") + " " + (ident or "")):
            text = _TRAILING_DATE.sub("", element_text(el))
            if 2 <= len(text) <= 150:
                return text
    return parts[0] if parts else None


def _main_element(doc: Doc):
    """The element holding most paragraph text (readability's idea, cheap)."""
    scores: dict = {}
    for p in doc.root.iter("p", "br"):
        parent = p.getparent()
        if parent is None:
            continue
        n = len(clean(text_of(p))) if p.tag == "p" else len((p.tail or "").strip())
        if n:
            scores[parent] = scores.get(parent, 0) + n
    if not scores:
        for el in doc.root.iter("div", "td"):
            key = (el.get("class") or "") + (el.get("id") or "")
            if _CONTENT_CLASS.search(key):
                return el
        return None
    best = max(scores, key=scores.get)
    # One level up when the paragraphs are split over sibling containers.
    parent = best.getparent()
    if parent is not None and scores.get(best, 0) < 200:
        return parent
    return best


def _signature(main_lines: list[str]) -> tuple[date | None, str | None]:
    """The 落款 at the end of a document: an organisation line followed by a date line."""
    tail = main_lines[-8:]
    for i in range(len(tail) - 1, 0, -1):
        line = tail[i].strip()
        if len(line) > 20:
            continue
        found = dates.parse_date(line)
        if not found or not _SIGNATURE_DATE.fullmatch(line):
            continue
        for j in (i - 1, i - 2):
            if j < 0:
                break
            org = tail[j].strip()
            if 2 < len(org) <= 40 and ORG_SUFFIX.search(org):
                return found[0], org
        return found[0], None
    return None, None


def _extract(body: bytes, url: str, anchor: datetime | None, headers: dict | None) -> PageFacts:
    if not isinstance(body, (bytes, bytearray)):
        body = str(body).encode("utf-8", "replace")
    text, declared, detected = decode(bytes(body), headers)
    doc = parse_shared(text, url)
    meta = _meta(doc)
    headline = _headline(doc, meta)
    xxgk = _xxgk(doc)
    all_links = links(doc)
    problems: list[str] = []

    # Anchor for dates without a year: the capture time, else the page's own generation time.
    year_anchor = anchor
    if year_anchor is None:
        gen = _GENERATED.search(" ".join(doc.meta.values()))
        if gen:
            year_anchor = _parse_anchor(gen.group(1))

    # --- document fields
    # a labelled 文号 field is the page's own number, malformed or not (kept with problems)
    parsed_doc = docnumber.parse_field(xxgk.get("doc_number") or "")
    head_pos = doc.text.find(headline) if headline else -1
    if headline and head_pos < 0:
        # a headline broken by <br> or spaced differently in the text ("…在成都举行 <br>现场发布…"):
        # its first words
        key = _FIRST_WORDS.match(headline.strip()).group()[:20]
        head_pos = doc.text.find(key) if len(key) >= 6 else -1
    doc_raw = None
    if parsed_doc is None:
        # the line right under (or above) the headline, e.g. "金罚决字〔2024〕36号"
        if head_pos >= 0:
            # a 文号 on a line of its own near the headline; one cited in running text
            # ("请各单位按照示政办〔2022〕145号文件要求") is not the page's own
            window = doc.text[max(0, head_pos - 80):head_pos + len(headline) + 200]
            for line in window.split("\n"):
                parsed = docnumber.parse(line)
                if parsed and len(line) - len(parsed.raw) <= 6:
                    doc_raw = parsed.raw
                    break
        if doc_raw is None and meta.get("ArticleTitle"):
            m = _TITLE_DOC_NUMBER_IN.search(meta["ArticleTitle"])
            if m and docnumber.parse(m.group(1)):
                doc_raw = m.group(1)
        parsed_doc = docnumber.parse(doc_raw) if doc_raw else None

    # --- main text
    main = _main_element(doc)
    main_text = linear_text(main) if main is not None else ""
    main_lines = [ln for ln in main_text.split("\n") if ln]

    # --- messages, lists
    msgs = messages.messages(doc)
    items = lists.list_items(doc, year_anchor)
    pages, record, per_page, page_count = lists.pagination(doc)

    # --- page type
    try:
        path = urlsplit(url).path if url else ""
    except ValueError:  # "http://[fe80::1/x": a malformed host still leaves the page readable
        path = ""
    has_article_meta = bool(meta.get("ArticleTitle"))
    pub_labelled, written_labelled = dates.labelled_candidates(doc.text, anchor)
    near_head = [c for c in pub_labelled if head_pos >= 0 and 0 <= c.position - head_pos <= 600]
    head_date = None  # an unlabelled date right under the headline: "2005年08月16日 来源：…"
    if head_pos >= 0:
        found = dates.unlabelled_date(doc.text[head_pos + len(headline):head_pos + len(headline) + 160])
        if found and dates.plausible(found[0], anchor):
            head_date = dates.Candidate(found[0], found[1], "headline")
    if len(items) >= 3:  # dates of list items under a column heading are not a page date
        item_dates = {i.date for i in items}
        near_head = [c for c in near_head if c.value.isoformat() not in item_dates]
        if head_date and head_date.value.isoformat() in item_dates:
            head_date = None
    xxgk_keys = {"index_no", "doc_number", "written_date", "issuer"} & set(xxgk)
    visible = len(doc.text)
    if visible < 1500 and ERROR_RE.search(doc.html_title + " " + doc.text[:500]):
        page_type = "error"
    elif SEARCH_RE.search(doc.text[:3000]) and _SEARCH_URL.search(url):
        page_type = "search"
    elif ((len(xxgk_keys) >= 2 and (parsed_doc or xxgk.get("written_date")))
          or (parsed_doc and (has_article_meta or near_head))) \
            and not (headline and REPLY_TITLE.search(headline)):
        # a document: its box or its head carries a 文号 or a 成文日期. A news item filed with
        # an index box (索引号, 发布机构, empty 文号) is an article, and so is a reply to a
        # 建议/提案 (复函, 答复), which has a 文号 but is no policy.
        page_type = "policy"
    elif headline and GUIDE_RE.search(headline) and len(items) < 5:
        page_type = "guide"
    elif len(msgs) >= 3 and not has_article_meta and not near_head:
        page_type = "message_list"
    elif msgs and len(msgs) == 1 and _REPLY_LABEL.search(doc.text):
        page_type = "message_detail"
    elif has_article_meta or ((near_head or head_date or written_labelled) and len(main_text) > 60
                              and len(items) < 10):
        page_type = "article"
    elif (url and path in HOME_PATHS) or (doc.meta.get("pagecategory") or "").lower() == "index":
        page_type = "home"
    elif page_count is not None or pages or len(items) >= 5:
        page_type = "list"
        channel = _CHANNEL_INDEX.sub("", path)
        if page_count is None and not pages and channel.count("/") <= 2 and channel.endswith("/"):
            page_type = "home"  # a channel portal: several widgets, no pager
    elif len(main_text) > 200:
        page_type = "article"
    else:
        page_type = "list"

    # --- dates
    pub: dates.Candidate | None = None
    written: date | None = None
    signer: str | None = None
    content_like = page_type in ("article", "policy", "guide", "message_detail")
    if content_like:
        ok = [c for c in pub_labelled if dates.plausible(c.value, anchor)]
        if ok:
            def score(c):
                after = head_pos >= 0 and 0 <= c.position - head_pos <= 1500
                return (c.weight + (4 if after else 0), -abs(c.position - max(head_pos, 0)))
            pub = max(ok, key=score)
        if pub is None:
            pub = head_date
        if pub is None:
            for key in META_DATE_NAMES:
                found = dates.parse_date(doc.meta.get(key, ""))
                if found and dates.plausible(found[0], anchor):
                    pub = dates.Candidate(found[0], found[1], "meta", key)
                    break
        if pub is None:
            m = SCRIPT_DATE.search("\n".join(doc.scripts))
            found = dates.parse_date(m.group(1)) if m else None
            if found and dates.plausible(found[0], anchor):
                pub = dates.Candidate(found[0], found[1], "script")
        if pub is None:
            d = dates.url_date(url)
            if d and dates.plausible(d, anchor):
                pub = dates.Candidate(d, None, "url")
        ok_written = [c for c in written_labelled if dates.plausible(c.value, anchor)]
        if ok_written:
            written = ok_written[0].value
        sig_date, signer = _signature(main_lines)
        if written is None and sig_date and (parsed_doc or page_type == "article") and signer:
            written = sig_date
        # plausibility notes (for rules; the values stay as shown)
        meta_pub = dates.parse_date(doc.meta.get("pubdate", ""))
        if pub and pub.time is None and meta_pub and meta_pub[0] == pub.value and meta_pub[1]:
            pub = dates.Candidate(pub.value, meta_pub[1], pub.source, pub.label, pub.weight)
        if pub and meta_pub and meta_pub[0] != pub.value:
            problems.append(f"meta PubDate（{meta_pub[0]}）与页面发布日期（{pub.value}）不一致")
        if pub and written and pub.value < written:
            problems.append(f"发布日期（{pub.value}）早于成文日期（{written}）")
        for c in pub_labelled:
            if anchor and not dates.plausible(c.value, anchor) and c.value.year >= 1990:
                problems.append(f"发布日期（{c.value}）晚于采集时间")
                break

    # --- issuer
    issuer = xxgk.get("issuer")
    if issuer is None and page_type == "policy":
        issuer = signer or meta.get("SiteName")
    elif issuer is None and written is not None and signer:
        issuer = signer

    # --- footer, column
    foot = footer.extract_footer(doc, main_text)
    crumb = columns.breadcrumb(doc)
    content_page = page_type in ("article", "policy", "guide", "message_detail")
    col = columns.column_name(doc, crumb, headline if content_page else None)
    if col is None and page_type == "list" and headline:
        col = headline
    index_no = xxgk.get("index_no")
    if index_no is None:
        m = _INDEX_NO.search(doc.text)
        index_no = m.group(1) if m else None

    attachments = []
    interp = []
    seen_att = set()
    for link_url, link_text, _ in all_links:
        if ATTACHMENT_EXT.search(link_url) and link_url not in seen_att:
            seen_att.add(link_url)
            attachments.append(Link(link_url, link_text))
        elif "解读" in link_text and len(link_text) >= 6:
            interp.append(Link(link_url, link_text))

    title = headline or (doc.html_title or None)
    return PageFacts(
        url=url,
        page_type=page_type,
        title=title,
        html_title=doc.html_title or None,
        pub_date=dates.iso(pub.value) if pub else None,
        pub_datetime=f"{pub.value.isoformat()}T{pub.time}" if pub and pub.time else None,
        written_date=dates.iso(written),
        doc_number=parsed_doc.raw if parsed_doc else None,
        doc_number_normalized=parsed_doc.normalized if parsed_doc else None,
        doc_number_problems=parsed_doc.problems if parsed_doc else (),
        issuer=issuer,
        index_no=index_no,
        site_id_code=meta.get("SiteIDCode") or foot.site_id_code,
        site_name=meta.get("SiteName"),
        column_name=col,
        column_category=columns.category(col),
        content_source=meta.get("ContentSource"),
        meta=meta,
        xxgk=xxgk,
        list_items=tuple(items),
        pagination=tuple(pages),
        record_count=record,
        per_page=per_page,
        page_count=page_count,
        blank_column=lists.is_blank_column(doc, items) if page_type == "list" else False,
        messages=tuple(msgs),
        footer=foot,
        links=tuple([Link(u, t) for u, t, _ in all_links]),
        attachments=tuple(attachments),
        interpretation_links=tuple(interp),
        breadcrumb=tuple(crumb),
        main_text=main_text,
        date_problems=tuple(problems),
        pub_date_source=pub.source if pub else None,
        encoding=Encoding(declared, detected),
        notes=tuple(doc.notes) + (
            ("页脚（网站标识码、备案号、版权等）只在 HTML 注释中，页面没有可见页脚",)
            if foot.only_in_comments else ()),
    )
