"""The demo network's plan: columns, items, site plans, and the planting toolkit that the
builder (``demo.network``) and the planted-kind plugins (``demo.kinds``) share.

``PlanBuilder`` holds the state of one build (the shared random stream, the sites' plans, the
pages and the manifest) and the helpers a plugin plants with; ``network._Builder`` adds the
site plans' generation and the rendering. Every manifest entry is made by ``PlanBuilder.entry``
(or ``extend_manifest``) while a plugin is planting, and only of a kind that plugin declares.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import jinja2

from govinspect.demo import attachments as att
from govinspect.demo import search as srch
from govinspect.demo.model import DemoSite, Manifest, Page, SiteTransport, origin
from govinspect.demo.roster import SiteSpec

CST = timezone(timedelta(hours=8))
PAGE_SIZE = 15  # items per list page, as in TRS defaults

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "css": "text/css",
}


@lru_cache(maxsize=1)
def env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("govinspect.demo", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )



# -- columns ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnDef:
    key: str
    name: str
    section: str
    ctype: str  # ColumnType meta: the category of the column
    mode: str  # list | static | leaders | messages | guides
    fresh: str  # freshness profile, see _dates
    weight: float


SECTIONS = [("zwgk", "政务公开"), ("xwzx", "新闻中心"), ("bsfw", "办事服务"), ("hdjl", "互动交流")]

COLUMNS = [
    ColumnDef("gkxx", "概况信息", "zwgk", "概况信息", "static", "none", 0),
    ColumnDef("jgzn", "机构职能", "zwgk", "机构职能", "static", "none", 0),
    ColumnDef("ldxx", "领导信息", "zwgk", "领导信息", "leaders", "none", 0),
    ColumnDef("zwyw", "政务要闻", "xwzx", "动态要闻", "list", "news", 3.0),
    ColumnDef("gzdt", "工作动态", "xwzx", "动态要闻", "list", "news", 3.0),
    ColumnDef("tzgg", "通知公告", "zwgk", "通知公告", "list", "notice", 1.6),
    ColumnDef("zcwj", "政策文件", "zwgk", "政策文件", "list", "policy", 1.3),
    ColumnDef("zcjd", "政策解读", "zwgk", "政策解读", "list", "interp", 0),
    ColumnDef("rsxx", "人事信息", "zwgk", "人事", "list", "yearly", 0.5),
    ColumnDef("ghjh", "规划计划", "zwgk", "规划计划", "list", "yearly", 0.4),
    ColumnDef("sjfb", "数据发布", "zwgk", "数据发布", "list", "data", 0.5),
    ColumnDef("xxgkzn", "政府信息公开指南", "zwgk", "信息公开指南", "static", "none", 0),
    ColumnDef("ndbg", "政府信息公开年度报告", "zwgk", "年度报告", "list", "annual", 0),
    ColumnDef("bszn", "办事指南", "bsfw", "办事服务", "guides", "none", 1.0),
    ColumnDef("bstj", "办事统计", "bsfw", "办事统计", "list", "stats", 0.3),
    ColumnDef("zxzx", "咨询投诉", "hdjl", "留言咨询", "messages", "messages", 1.2),
    ColumnDef("dczj", "调查征集", "hdjl", "调查征集", "list", "survey", 0.3),
    ColumnDef("zxft", "在线访谈", "hdjl", "在线访谈", "list", "interview", 0.25),
]
COLUMN = {c.key: c for c in COLUMNS}
# 法定主动公开内容 (条例 第20条) columns that only government portals carry (P1, GI-O003); the
# other categories are COLUMNS above (机构职能, 政策文件, 规划计划, 数据发布, 人事信息). Added
# after the first releases, from their own random stream (``_plant_later``); the category is
# the P1.categories key of the indicator set that each column answers.
P1_COLUMNS = [
    ColumnDef("xzzf", "行政执法", "zwgk", "行政执法", "list", "p1", 0),
    ColumnDef("czyjs", "财政预决算", "zwgk", "财政预决算", "list", "p1", 0),
    ColumnDef("zfcg", "政府采购", "zwgk", "政府采购", "list", "p1", 0),
    ColumnDef("zdxm", "重大建设项目", "zwgk", "重大建设项目", "list", "p1", 0),
    ColumnDef("yjgl", "应急管理", "zwgk", "应急管理", "list", "p1", 0),
]


def col_path(c: ColumnDef) -> str:
    return f"/{c.section}/{c.key}/"


# Freshness profiles: (start offset before t, gap between items), both in days, as ranges.
FRESH = {
    "news": ((0.1, 3.0), (0.3, 3.0)),
    "notice": ((1, 30), (2, 15)),
    "policy": ((2, 45), (5, 25)),
    "yearly": ((5, 120), (10, 60)),
    "data": ((3, 40), (15, 35)),
    "stats": ((5, 6), (30, 31)),
    "messages": ((0.5, 8), (1, 6)),
    "survey": ((5, 90), (20, 60)),
    "interview": ((10, 120), (30, 90)),
    "guides": ((30, 400), (1, 20)),
}
STALE = {  # clearly older than each threshold
    "news": (25, 50),  # > 2 weeks
    "notice": (220, 320),  # > 6 months
    "policy": (220, 320),
    "yearly": (420, 520),  # > 1 year
    "stats": (130, 200),  # > 3 months
    "messages": (90, 130),  # > 2 months
}


# -- plan structures ---------------------------------------------------------------------

@dataclass
class Plant:
    """A planted text problem: ``text`` at ``offset`` inside ``container`` (a paragraph or
    table cell as rendered)."""

    container: str
    offset: int
    text: str
    entry: dict


@dataclass
class Item:
    id: int
    col: str
    title: str
    when: datetime | None  # shown date; None = undated
    url_date: datetime
    path: str = ""
    paragraphs: list[str] = field(default_factory=list)
    info_table: list[list[tuple[str, str]]] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)
    related_label: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # message / guide detail rows
    status: str = ""
    signature: tuple[str, str] | None = None
    plants: list[Plant] = field(default_factory=list)
    drop_meta: tuple[str, ...] = ()
    doc_name: str = ""  # policy: the 《…》 it issues
    interp: Item | None = None
    source: str = ""


@dataclass
class Col:
    d: ColumnDef
    name: str
    path: str
    items: list[Item] = field(default_factory=list)
    blank: str | None = None  # None, "", "暂无信息" or an explanation
    drop_meta: tuple[str, ...] = ()

    def ordered(self) -> list[Item]:
        """Newest first; undated items keep their place by URL date (as a CMS sorts)."""
        return sorted(self.items, key=lambda i: (i.when or i.url_date, i.id), reverse=True)


@dataclass
class SitePlan:
    spec: SiteSpec
    site: DemoSite
    rng: random.Random
    cols: dict[str, Col]
    leaders: list[tuple[str, str, str]]  # (title, name, path)
    profile: dict[str, str]  # column key -> "fresh" | "stale" | "blank"
    charset_mode: str = "ok"  # ok | missing | wrong
    footer_missing: tuple[str, ...] = ()
    no_meta: bool = False
    spam: bool = False
    home_promo: list[tuple[str, str]] = field(default_factory=list)
    home_links: list[tuple[str, str]] = field(default_factory=list)
    trap: bool = False
    search: srch.SiteSearch | None = None  # the site's search form and endpoint (demo.search)
    message_stats: str = "block"  # block | page | none: how 留言受理反馈 statistics are shown


TRAP_PATH = "/hdjl/hdrl/"
MESSAGE_STATS_PAGE = "lytj.html"  # in the mailbox column's folder
GUIDE_ARTICLES = ("第十二条", "第二十九条", "第三十条", "第三十四条", "第十六条", "第二十二条")
VAGUE_MATERIALS = ("根据有关法律法规规定应提交的其他材料", "其他相关材料", "有关部门要求提供的其他材料")
META_CONTENT = ("ArticleTitle", "PubDate", "ContentSource")
META_COLUMN = ("ColumnName", "ColumnType")
META_ALL = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType",
            "ArticleTitle", "PubDate", "ContentSource")
FOOTER_ITEMS = {"icp": "ICP备案编号", "police": "公安机关备案标识", "sitecode": "网站标识码",
                "conac": "党政机关网站标识", "sponsor": "网站主办单位", "contact": "联系方式"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643 check character of a 18-digit 居民身份证号码."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def personal_id(rng: random.Random, valid: bool = True) -> str:
    region = rng.choice(["341102", "341103", "341122", "341124", "341125", "341126", "341181"])
    born = datetime(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
    first = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    check = id_check_char(first)
    if not valid:
        check = _ID_CHECK[(_ID_CHECK.index(check) + rng.randint(1, 10)) % 11]
    return first + check


def mobile_number(rng: random.Random) -> str:
    return rng.choice(["139", "138", "137", "136", "158", "187", "151", "133"]) + \
        f"{rng.randrange(10**8):08d}"
GUIDE_ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构",
                  "收费标准", "办理时间", "联系电话", "办理流程")


class DemoError(ValueError):
    """Bad parameters for the demo network (message in Chinese)."""


class UndeclaredKindError(AssertionError):
    """A manifest entry of a kind that the plugin planting it does not declare (or made
    outside any plugin): declare the kind in the plugin's ``kinds`` (docs/demo-network.md)."""


# -- the planting toolkit ------------------------------------------------------------------

class PlanBuilder:
    """State of one build and the helpers plugins plant with (see ``demo.kinds``)."""

    def __init__(self, seed: int, scale: float, port: int, faults: bool, t: datetime,
                 https_port: int | None, ipv6: bool, specs: list[SiteSpec]) -> None:
        self.https_port = https_port
        # site host → transport (TLS networks only); hosts whose canonical scheme is https
        self.transport: dict[str, SiteTransport] = {}
        self.https_hosts: set[str] = set()
        self.ipv6 = ipv6
        self.ipv6_plan: dict[str, str] = {}  # site host → IPV6_MODES (ipv6 networks only)
        self.resolve6: dict[str, str] = {}
        self.seed, self.scale, self.port, self.faults, self.t = seed, scale, port, faults, t
        self.rng = random.Random(seed)
        self.specs = specs
        self.pages: dict[tuple[str, str], Page] = {}
        self.manifest = Manifest()
        self.resolve: dict[str, str] = {}
        self.next_doc_id = 1_000_000 + self.rng.randrange(50_000)
        self.used_ids: set[int] = set()
        self.plans: list[SitePlan] = []
        self.slow_hosts: dict[str, tuple[float, float]] = {}
        self.flaky: dict[tuple[str, str], int] = {}
        self.trap_hosts: dict[str, SitePlan] = {}
        self.leader_names: set[str] = set()
        # Site slots drawn before the plans (network._Builder._assign_site_traits): which site
        # index carries which site-level plant.
        self.flaky_site = self.slow_site = self.trap_site = 0
        self.no_meta_site = self.homepage_stale_site = self.jiucuo_site = self.spam_site = 0
        self.footer_sites: list[int] = []
        self.transport_sites: list[tuple[int, str]] = []
        self.homepage_stale_plan: SitePlan | None = None
        # the stale and blank columns (kinds.columns): (plan, column key, kind, indicator)
        self.column_entries: list[tuple[SitePlan, str, str, str]] = []
        self.free_ip = 2  # the next free 127.0.0.N once sites and external hosts have theirs
        self.accounts: list[dict] = []  # new media (kinds.new_media)
        self.files: dict[str, bytes] = {}  # files beside roster.csv
        self._planting: tuple[str, frozenset[str]] | None = None

    # -- plugins ----------------------------------------------------------------------
    @contextmanager
    def planting(self, name: str, kinds: tuple[str, ...]) -> Iterator[None]:
        """While plugin ``name`` plants: ``entry`` accepts only its ``kinds``."""
        previous, self._planting = self._planting, (name, frozenset(kinds))
        try:
            yield
        finally:
            self._planting = previous

    def _check_kind(self, kind: str) -> None:
        if self._planting is None:
            raise UndeclaredKindError(f"manifest entry {kind!r} made outside a kind plugin")
        name, kinds = self._planting
        if kind not in kinds:
            raise UndeclaredKindError(f"plugin {name!r} plants {kind!r}, which it does not "
                                      f"declare (declared: {sorted(kinds)})")

    def entry(self, kind: str, indicator: str | None, plan: SitePlan, url: str, **extra) -> dict:
        """Append a manifest entry (the ground truth) and return it."""
        self._check_kind(kind)
        e = {"kind": kind, "indicator": indicator, "site": plan.site.code, "url": url}
        e.update(extra)
        self.manifest.append(e)
        return e

    def extend_manifest(self, entries: list[dict]) -> None:
        """Append entries made elsewhere (the new-media builder), each of a declared kind."""
        for e in entries:
            self._check_kind(e["kind"])
        self.manifest.extend(entries)

    # -- ids, URLs, site picks --------------------------------------------------------
    def doc_id(self) -> int:
        self.next_doc_id += self.rng.randint(1, 37)
        return self.next_doc_id

    def url(self, host: str, path: str) -> str:
        if host in self.https_hosts:
            return origin(host, self.https_port, "https") + path
        return origin(host, self.port) + path

    def many(self, density: float, lo: int = 1) -> int:
        """How many sites a plant of this density takes in this network."""
        return max(lo, round(density * len(self.plans)))

    def sites_for(self, count: int, pool: list[SitePlan] | None = None) -> list[SitePlan]:
        """``count`` sites drawn from ``pool`` (default: all) with the shared stream; a site
        can come twice when the pool is small."""
        pool = pool or self.plans
        return [pool[k % len(pool)] for k in self.rng.sample(range(max(count, len(pool))), count)]

    def slot(self, i: int) -> SitePlan:
        """The site at index ``i`` of a drawn slot (``flaky_site`` …; the only site of a
        one-site network)."""
        return self.plans[i] if len(self.plans) > 1 else self.plans[0]

    @property
    def non_portal(self) -> list[SitePlan]:
        """Every site but the municipal portal (the portal alone in a one-site network)."""
        return self.plans[1:] or self.plans

    def own_sites(self, rng: random.Random, count: int, pool: list[SitePlan]) -> list[SitePlan]:
        """``count`` sites of ``pool`` drawn from a plugin's own stream, in pool order."""
        count = min(count, len(pool))
        return [pool[k] for k in sorted(rng.sample(range(len(pool)), count))]

    def pick_items(self, plan: SitePlan, keys: tuple[str, ...], k: int = 1) -> list[Item]:
        """``k`` items of the site's columns ``keys`` (drawn from the site's stream)."""
        pool = [it for key in keys for it in plan.cols[key].items]
        pool.sort(key=lambda i: i.id)
        return plan.rng.sample(pool, min(k, len(pool)))

    # -- item edits ----------------------------------------------------------------------
    def put(self, it: Item, para: str, sub: str, entry: dict, at: int | None = None) -> None:
        """Insert paragraph ``para`` (which contains ``sub``) into the item body; the entry
        gets its span when the page is rendered."""
        pos = len(it.paragraphs) - (1 if it.signature or it.paragraphs[-1:] == ["特此通知。"] else 0)
        if at is not None:
            pos = at
        it.paragraphs.insert(max(0, pos), para)
        it.plants.append(Plant(para, para.index(sub), sub, entry))

    def text_entry(self, kind: str, indicator: str, plan: SitePlan, it: Item, text: str,
                   **extra) -> dict:
        """An entry at the item's page with the planted ``text``."""
        return self.entry(kind, indicator, plan, self.url(plan.site.host, it.path), text=text,
                          **extra)

    def asset_path(self, col: Col, d: datetime, prefix: str, ext: str, rng: random.Random) -> str:
        return f"{col.path}{d:%Y%m}/{prefix}0{d:%Y%m%d}{rng.randrange(10**12):012d}.{ext}"

    def attach(self, plan: SitePlan, it: Item, ext: str, name: str,
               rows: list[list[str]] | None, lines: list[str] | None = None) -> str:
        """Add an attachment to an item and register its file; returns its path."""
        rng = plan.rng
        col = plan.cols[it.col]
        path = self.asset_path(col, it.url_date, "P", ext, rng)
        if ext in ("xlsx", "xls"):
            data = (att.xlsx if ext == "xlsx" else att.xls)("Sheet1", rows or [["序号", "名称"]])
        else:
            body = lines or [name, f"单位名称：{plan.spec.unit}", "联系人：", "联系电话："]
            data = att.pdf(body) if ext == "pdf" else att.docx(name, body)
        self.pages[(plan.site.host, path)] = Page(data, CONTENT_TYPES[ext], encoding=None)
        it.attachments.append((f"{name}.{ext}", "./" + path.rsplit("/", 1)[1]))
        return path

    def image(self, plan: SitePlan, it: Item, alt: str) -> None:
        path = self.asset_path(plan.cols[it.col], it.url_date, "W", "png", plan.rng)
        color = tuple(plan.rng.randrange(256) for _ in range(3))
        self.pages[(plan.site.host, path)] = Page(att.png(32, 20, color), "image/png",
                                                  encoding=None)
        it.images.append(("./" + path.rsplit("/", 1)[1], alt))

    def move_item(self, plan: SitePlan, it: Item, url_date: datetime) -> None:
        """Give an item a new URL date; its attachments and images move along."""
        col = plan.cols[it.col]
        host = plan.site.host
        old_dir = it.path.rsplit("/", 1)[0] + "/"
        old_url = self.url(host, it.path)
        it.url_date = url_date
        it.path = f"{col.path}{url_date:%Y%m}/t{url_date:%Y%m%d}_{it.id}.html"
        moved = {old_url: self.url(host, it.path)}
        new_dir = it.path.rsplit("/", 1)[0] + "/"
        for _text, href in it.attachments + [(a, s) for s, a in it.images]:
            if href.startswith("./"):
                page = self.pages.pop((host, old_dir + href[2:]))
                self.pages[(host, new_dir + href[2:])] = page
                moved[self.url(host, old_dir + href[2:])] = self.url(host, new_dir + href[2:])
        if it.interp is not None:
            it.interp.related = [(it.title, it.path)]
        # entries planted on the item before it moved (text problems, attachments) move along
        for e in self.manifest:
            for key in ("url", "parent_url", "document_url"):
                if e.get(key) in moved:
                    e[key] = moved[e[key]]

    def sync_policy_dates(self, it: Item) -> None:
        if it.info_table and it.when:
            row = it.info_table[3]
            it.info_table[3] = [row[0], ("发布日期", f"{it.when:%Y-%m-%d}")]
