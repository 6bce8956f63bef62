"""Page facts: what extraction learns about one captured page. Pure data, frozen."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True)
class ListItem:
    title: str
    url: str
    date: str | None  # YYYY-MM-DD


@dataclass(frozen=True)
class Message:
    title: str
    asked_at: str | None  # 留言时间
    answered_at: str | None  # 答复时间
    replier: str | None = None  # 答复单位
    reply: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Footer:
    dzjg: bool = False  # 党政机关网站标识 (conac link, image or script)
    site_id_code: str | None = None  # 网站标识码 shown on the page
    icp: str | None = None  # ICP备案号
    psb: str | None = None  # 公安机关备案号
    sponsor: str | None = None  # 主办单位
    contact: bool = False  # 联系方式 / 联系我们
    zhaocuo: bool = False  # 我为政府网站找错 entry
    # no visible footer: its identity lines (ICP, 标识码, 版权 …) are only inside HTML comments
    only_in_comments: bool = False


@dataclass(frozen=True)
class Encoding:
    declared: str | None  # from the HTTP header or <meta charset>
    detected: str  # what the bytes were decoded with


@dataclass(frozen=True)
class PageFacts:
    url: str
    page_type: str  # home|list|article|policy|message_list|message_detail|guide|search|error
    title: str | None  # visible headline (falls back to <title>)
    html_title: str | None  # the <title> element
    pub_date: str | None  # 发布日期, YYYY-MM-DD
    pub_datetime: str | None  # ISO datetime when a time is shown
    written_date: str | None  # 成文日期 (or the 落款 date of a document)
    doc_number: str | None  # 文号 as shown
    doc_number_normalized: str | None
    doc_number_problems: tuple[str, ...]
    issuer: str | None  # 发布机构
    index_no: str | None  # 索引号
    site_id_code: str | None  # meta SiteIDCode, else footer
    site_name: str | None
    column_name: str | None
    column_category: str | None
    content_source: str | None
    meta: dict = field(default_factory=dict, compare=False, hash=False)
    xxgk: dict = field(default_factory=dict, compare=False, hash=False)  # 信息公开 block
    list_items: tuple[ListItem, ...] = ()
    pagination: tuple[str, ...] = ()
    record_count: int | None = None  # from a script pager (TRS pageChnlInfo)
    per_page: int | None = None
    page_count: int | None = None
    blank_column: bool = False  # "暂无信息" and friends
    messages: tuple[Message, ...] = ()
    footer: Footer = field(default_factory=Footer)
    links: tuple[Link, ...] = ()
    attachments: tuple[Link, ...] = ()
    interpretation_links: tuple[Link, ...] = ()  # links to / from 解读
    breadcrumb: tuple[str, ...] = ()
    main_text: str = ""
    date_problems: tuple[str, ...] = ()
    # where pub_date was read: "label" (发布日期：…), "headline" (a date line under the
    # headline), "relative" (3小时前) — shown on the page; or "meta", "script", "url" — a
    # fallback when the page shows none
    pub_date_source: str | None = None
    encoding: Encoding = field(default_factory=lambda: Encoding(None, "utf-8"))
    errors: tuple[str, ...] = ()  # what went wrong while extracting (never raised)
    # what the parser repaired or which limit it hit (control characters, nesting flattened,
    # footer only inside comments …); the page was still read, unlike ``errors``
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The stable contract dict (see docs/extract.md)."""
        d = asdict(self)
        for key in ("doc_number_problems", "pagination", "breadcrumb", "date_problems", "errors",
                    "notes"):
            d[key] = list(d[key])
        for key in ("list_items", "messages", "links", "attachments", "interpretation_links"):
            d[key] = [dict(x) for x in d[key]]
        return d
