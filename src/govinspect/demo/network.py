"""Generate the demo network: the fictional city 示例市 with exact ground truth.

``build_network`` is deterministic: same seed, sites, scale, port, https_port, ipv6, faults and
*t* → the same bytes for every page and the same manifest (TLS keys, when there is TLS, are
not). All randomness comes from one seeded ``random.Random`` consumed in a fixed order (never
iterate over sets here).

Generation runs in two steps per site: *plan* (columns, items with dates, planted problems)
and *render* (Jinja2 templates → bytes). Text problems are placed in known paragraphs while
planning and located in the rendered HTML afterwards, so manifest offsets are exact.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import quote, urljoin

import jinja2
from dateutil.relativedelta import relativedelta

from govinspect.core.types import SiteKind
from govinspect.demo import attachments as att
from govinspect.demo import search as srch
from govinspect.demo import text as tx
from govinspect.demo.model import (
    IPV6_LOOPBACK,
    DemoSite,
    Manifest,
    Network,
    Page,
    SiteTransport,
    origin,
)
from govinspect.demo.roster import (
    DEAD_HOSTS,
    EXTERNAL_SITES,
    NONCOMPLIANT_DOMAIN,
    SPAM_HOSTS,
    SiteSpec,
    all_specs,
)

CST = timezone(timedelta(hours=8))
T_DEFAULT = datetime(2022, 6, 30, 17, 0, tzinfo=CST)
MAX_SITES = len(all_specs())
LOCAL_LEADERS_FILE = "lexicons/local-leaders.yaml"  # in the network folder, for WORKSPACE/lexicons
PAGE_SIZE = 15  # items per list page, as in TRS defaults

# Transport of a TLS network's sites (docs/demo-network.md "Transport"): healthy sites redirect
# to HTTPS with HSTS and a valid certificate; the plants below each differ in one respect (the
# broken-certificate sites also leave plain HTTP unredirected: HTTPS offered on the side).
TRANSPORT_MODES = {
    "ok": SiteTransport(),
    "ok_renewing": SiteTransport(cert_days=45),  # look-alike: renewal due, not yet warned of
    "http_only": SiteTransport(https=False, redirect=False, hsts=False),
    "cert_expired": SiteTransport(redirect=False, cert="expired"),
    "cert_hostname_mismatch": SiteTransport(redirect=False, cert="other_host"),
    "no_https_redirect": SiteTransport(redirect=False),
    "no_hsts": SiteTransport(hsts=False),
}
# Which non-portal sites get which (in the builder's pick order; a small network gets a prefix).
TRANSPORT_PLANTS = ("http_only", "cert_expired", "cert_hostname_mismatch", "no_https_redirect",
                    "no_hsts", "http_only", "no_hsts", "ok_renewing")
# IPv6 plants (networks built with ipv6=True) on distinct non-portal sites drawn from their own
# random stream, in this order (a small network gets the first ones); every other site is "ok".
IPV6_PLANTS = ("missing", "broken", "missing")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "css": "text/css",
}


class DemoError(ValueError):
    """Bad parameters for the demo network (message in Chinese)."""


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
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


def _col_path(c: ColumnDef) -> str:
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


# -- the builder -------------------------------------------------------------------------

class _Builder:
    def __init__(self, seed: int, sites: int | None, scale: float, port: int, faults: bool,
                 t: datetime, https_port: int | None = None, ipv6: bool = False) -> None:
        if sites is not None and not 1 <= sites <= MAX_SITES:
            raise DemoError(f"网站数量应在 1 到 {MAX_SITES} 之间，收到 {sites}")
        if not scale > 0:
            raise DemoError(f"规模系数应大于 0，收到 {scale}")
        if not 1 <= port <= 65535:
            raise DemoError(f"端口应在 1 到 65535 之间，收到 {port}")
        if https_port is not None and (not 1 <= https_port <= 65535 or https_port == port):
            raise DemoError(f"HTTPS 端口应在 1 到 65535 之间且不同于 HTTP 端口，收到 {https_port}")
        if t.tzinfo is None:
            raise DemoError("参考时间 t 必须带时区")
        self.https_port = https_port
        # site host → transport (TLS networks only); hosts whose canonical scheme is https
        self.transport: dict[str, SiteTransport] = {}
        self.https_hosts: set[str] = set()
        self.ipv6 = ipv6
        self.ipv6_plan: dict[str, str] = {}  # site host → IPV6_MODES (ipv6 networks only)
        self.resolve6: dict[str, str] = {}
        self.seed, self.scale, self.port, self.faults, self.t = seed, scale, port, faults, t
        self.rng = random.Random(seed)
        self.specs = all_specs()[: sites or MAX_SITES]
        self.pages: dict[tuple[str, str], Page] = {}
        self.manifest = Manifest()
        self.resolve: dict[str, str] = {}
        self.next_doc_id = 1_000_000 + self.rng.randrange(50_000)
        self.used_ids: set[int] = set()
        self.net_sites: list[DemoSite] = []
        self.plans: list[SitePlan] = []
        self.slow_hosts: dict[str, tuple[float, float]] = {}
        self.flaky: dict[tuple[str, str], int] = {}
        self.trap_hosts: dict[str, SitePlan] = {}
        self.leader_names: set[str] = set()

    # helpers
    def doc_id(self) -> int:
        self.next_doc_id += self.rng.randint(1, 37)
        return self.next_doc_id

    def url(self, host: str, path: str) -> str:
        if host in self.https_hosts:
            return origin(host, self.https_port, "https") + path
        return origin(host, self.port) + path

    def entry(self, kind: str, indicator: str | None, plan: SitePlan, url: str, **extra) -> dict:
        e = {"kind": kind, "indicator": indicator, "site": plan.site.code, "url": url}
        e.update(extra)
        self.manifest.append(e)
        return e

    # ---------------------------------------------------------------------------------
    def build(self) -> Network:
        ip = 2
        for spec in self.specs:
            hosts = (spec.host, *spec.aliases)
            site = DemoSite(code=spec.code, name=spec.name, unit=spec.unit, kind=spec.kind,
                            region=spec.region, hosts=hosts, ip=f"127.0.0.{ip}",
                            homepage=self.url(spec.host, "/"), slug=spec.slug)
            ip += 1
            for h in hosts:
                self.resolve[h] = site.ip
            self.net_sites.append(site)
        for host, _name in EXTERNAL_SITES + [(h, "") for h in SPAM_HOSTS]:
            self.resolve[host] = f"127.0.0.{ip}"
            ip += 1
        self._assign_site_traits()
        self._assign_transport()
        for i, site in enumerate(self.net_sites):
            self.plans.append(self._plan_site(self.specs[i], site))
        self._plant_problems()
        srch.plant_search(self)  # own random stream: the plants above stay as they were
        self._plant_later()
        for plan in self.plans:
            self._render_site(plan)
        self._render_externals()
        # New media: own random stream, so the site pages stay as they were without it.
        from govinspect.demo.accounts import FEED_HOST, build_accounts

        self.resolve[FEED_HOST] = f"127.0.0.{ip}"
        media = build_accounts(self.seed, self.t, self.port, self.resolve[FEED_HOST])
        self.pages.update(media.pages)
        self.manifest.extend(media.manifest)
        sites = [p.site for p in self.plans]
        net = Network(
            seed=self.seed, port=self.port, t=self.t.isoformat(), sites=sites,
            pages=self.pages, manifest=self.manifest, resolve=self.resolve,
            slow_hosts=self.slow_hosts, flaky=self.flaky,
            catch_all_hosts=frozenset(h for h, _ in EXTERNAL_SITES) | frozenset(SPAM_HOSTS),
            accounts=[a.as_dict() for a in media.accounts],
            files={**media.files, LOCAL_LEADERS_FILE: self._local_leaders_yaml()},
            https_port=self.https_port, transport=dict(self.transport),
            ipv6=dict(self.ipv6_plan), resolve6=dict(self.resolve6),
        )
        for host, plan in self.trap_hosts.items():
            net.dynamic[host] = self._trap_handler(plan)
        for plan in self.plans:
            search = srch.search_handler(self, plan)
            if search is not None:
                net.dynamic[plan.site.host] = _chain(net.dynamic.get(plan.site.host), search)
        net.aliases = {a: p.site.host for p in self.plans for a in p.site.hosts[1:]}
        if self.transport:
            from govinspect.demo.tls import issue

            net.tls = issue({p.site.host: (p.site.hosts, self.transport[p.site.host])
                             for p in self.plans})
        return net

    def _local_leaders_yaml(self) -> bytes:
        """The office's roster of 示例市 leaders (docs/text-rules.md, ``leaders:``), as an
        office would keep it in WORKSPACE/lexicons/: the ground truth for misspelled names
        and wrong titles is checkable only against it."""
        import yaml

        leaders = [{"name": name, "title": title, "unit": plan.spec.unit}
                   for plan in self.plans for title, name, _ in plan.leaders]
        doc = {"category": "本地领导", "description": "示例市各单位领导姓名和职务（示例网站群生成）",
               "leaders": leaders}
        head = "# 示例市本地领导名录：由 govinspect demo 生成，放入工作目录 lexicons/ 后参与错敏词检查。\n"
        return (head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False,
                                      width=200)).encode("utf-8")

    # -- site-level traits (encoding, footer, meta, faults) ----------------------------
    def _assign_site_traits(self) -> None:
        n = len(self.net_sites)
        rng = self.rng
        # Roughly a quarter of the sites still run an old GBK CMS.
        self.gbk = {i for i in range(1, n) if rng.random() < 0.25}
        others = list(range(1, n)) or [0]
        self.charset_missing_site = None
        self.charset_wrong_site = None
        gbk_sorted = sorted(self.gbk)
        if gbk_sorted:
            self.charset_wrong_site = gbk_sorted[0]
        if len(gbk_sorted) > 1:
            self.charset_missing_site = gbk_sorted[1]
        if self.charset_wrong_site is None:  # tiny networks: force one
            self.charset_wrong_site = others[-1]
            self.gbk.add(others[-1])
        # distinct sites for the fault modes and site-level problems (not the portal)
        pick = others[:]
        rng.shuffle(pick)

        def take(k: int) -> int:
            return pick[k % len(pick)]

        self.flaky_site, self.slow_site, self.trap_site = take(0), take(1), take(2)
        self.no_meta_site, self.homepage_stale_site = take(3), take(4)
        self.footer_sites = [take(5), take(6)]
        self.jiucuo_site, self.spam_site = take(7), take(0)
        # Transport plants (TLS networks only) on distinct sites, from take(8) on; a small
        # network gets the first ones of the list. No further draws: the pages stay the same.
        self.transport_sites: list[tuple[int, str]] = []
        if self.https_port is not None:
            order = [take(8 + k) for k in range(len(pick))]
            self.transport_sites = list(zip(order, TRANSPORT_PLANTS, strict=False))

    def _assign_transport(self) -> None:
        """Every site's transport, and the canonical (https://) homepage of redirecting sites."""
        if self.https_port is None:
            return
        planted = dict(self.transport_sites)
        for i, site in enumerate(self.net_sites):
            t = TRANSPORT_MODES[planted.get(i, "ok")]
            self.transport[site.host] = t
            if t.scheme == "https":
                self.https_hosts.update(site.hosts)
                self.net_sites[i] = DemoSite(**{**site.__dict__,
                                                "homepage": self.url(site.host, "/")})

    # -- planning -----------------------------------------------------------------------
    def _plan_site(self, spec: SiteSpec, site: DemoSite) -> SitePlan:
        rng = random.Random(self.rng.getrandbits(64))
        i = len(self.plans)
        enc = "gbk" if i in self.gbk else "utf-8"
        site = DemoSite(**{**site.__dict__, "encoding": enc})
        cols = {}
        for c in COLUMNS:
            name = c.name
            if c.key == "zwyw":
                name = "政务要闻" if spec.kind == SiteKind.PORTAL else "工作动态"
            elif c.key == "gzdt":
                name = {"市直": "部门动态"}.get(spec.region, "乡镇动态") \
                    if spec.kind == SiteKind.PORTAL else "基层动态"
            cols[c.key] = Col(c, name, _col_path(c))
        plan = SitePlan(spec, site, rng, cols, [], {c.key: "fresh" for c in COLUMNS})
        if i == self.charset_wrong_site:
            plan.charset_mode = "wrong"
        elif i == self.charset_missing_site:
            plan.charset_mode = "missing"
        plan.leaders = self._leaders(plan)
        return plan

    def _leaders(self, plan: SitePlan) -> list[tuple[str, str, str]]:
        spec = plan.spec
        if spec.kind == SiteKind.PORTAL:
            head = "市长" if spec.region in ("市直",) or spec.region.endswith("市") else (
                "区长" if spec.region.endswith("区") else "县长")
            titles = [head, f"常务副{head}", f"副{head}", f"副{head}"]
        else:
            unit = spec.unit
            head = ("主任" if unit.endswith(("委员会", "办公室", "中心", "联合社", "研究室"))
                    else "馆长" if unit.endswith("馆") else "局长")
            titles = [head, f"副{head}", f"副{head}"]
        # One city: no two leaders share a name (the office roster lists them all).
        used = self.leader_names
        return [(title, tx.person_name(plan.rng, used), f"/zwgk/ldxx/ld{k + 1:02d}/")
                for k, title in enumerate(titles)]

    def _dates(self, rng: random.Random, profile: str, n: int, state: str) -> list[datetime]:
        start_range, gap = FRESH[profile]
        if state == "stale":
            start_range = STALE[profile]
        elif state == "stale14":  # older than 2 weeks, fresh for any longer threshold
            start_range = (20, 40)
        cur = self.t - timedelta(days=rng.uniform(*start_range))
        out = []
        for _ in range(n):
            d = cur.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0,
                            microsecond=0)
            if d > self.t:
                d = d - timedelta(days=1)
            out.append(d)
            cur -= timedelta(days=rng.uniform(*gap))
        return out

    def _plan_items(self, plan: SitePlan) -> None:
        rng = plan.rng
        spec = plan.spec
        target = rng.randint(150, 400) * self.scale
        fixed = 16 + len(plan.leaders)
        weights = {c.key: c.weight for c in COLUMNS if c.weight}
        total_w = sum(weights.values()) + weights["zcwj"]  # zcjd mirrors zcwj
        articles = max(0.0, (target - fixed) * PAGE_SIZE / (PAGE_SIZE + 1))
        for key, w in weights.items():
            col = plan.cols[key]
            if plan.profile[key] == "blank":
                continue
            n = max(2, round(articles * w / total_w))
            state = plan.profile[key]
            d = col.d
            if d.mode == "messages":
                self._plan_messages(plan, col, n, state)
            elif d.mode == "guides":
                self._plan_guides(plan, col, n)
            else:
                for when in self._dates(rng, d.fresh, n, state):
                    col.items.append(self._article(plan, col, when))
        # 政策解读: one per policy document (the planted exceptions are removed later)
        for doc in plan.cols["zcwj"].items:
            self._add_interpretation(plan, doc)
        # 年度报告: the reports for 2017..2021, each posted in January of the next year
        col = plan.cols["ndbg"]
        for year in range(2017, 2022):
            when = datetime(year + 1, 1, rng.randint(8, 28), rng.randint(9, 17),
                            rng.randint(0, 59), tzinfo=CST)
            it = self._new_item(plan, col, f"{spec.unit}{year}年政府信息公开工作年度报告", when)
            it.paragraphs = [
                f"本报告根据《中华人民共和国政府信息公开条例》要求编制。全文包括总体情况、主动公开政府信息情况、"
                f"收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
                f"其他需要报告的事项。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
            ]
            self._attach(plan, it, "xls" if year == 2017 else "xlsx",
                         f"{year}年政府信息公开工作年度报告统计表",
                         [["指标", "数量"], ["主动公开政府信息数", str(rng.randint(300, 2000))],
                          ["收到信息公开申请数", str(rng.randint(5, 80))]])
            col.items.append(it)

    def _new_item(self, plan: SitePlan, col: Col, title: str, when: datetime | None,
                  url_date: datetime | None = None) -> Item:
        ud = url_date or when
        assert ud is not None
        iid = self.doc_id()
        it = Item(iid, col.d.key, title, when, ud)
        it.path = f"{col.path}{ud:%Y%m}/t{ud:%Y%m%d}_{iid}.html"
        it.source = plan.spec.unit
        return it

    def _article(self, plan: SitePlan, col: Col, when: datetime) -> Item:
        rng = plan.rng
        spec = plan.spec
        top = tx.topic(rng)
        key = col.d.key
        if key in ("zwyw", "gzdt"):
            title = tx.news_title(rng, spec.short, top)
            it = self._new_item(plan, col, title, when)
            it.paragraphs = tx.news_paragraphs(rng, tx.date_cn(when), spec.short, top,
                                               plan.leaders[0][0] + plan.leaders[0][1])
            if rng.random() < 0.3:
                self._image(plan, it, title)
        elif key == "tzgg":
            it = self._new_item(plan, col, tx.notice_title(rng, top, when.year), when)
            it.paragraphs = tx.official_paragraphs(rng, top, rng.randint(2, 4))
            it.signature = (spec.unit, f"{when.year}年{when.month}月{when.day}日")
            if rng.random() < 0.25:
                self._attach(plan, it, rng.choice(["docx", "pdf"]), f"{top}工作报名表",
                             None)
        elif key == "zcwj":
            title, doc_name = tx.policy_title(rng, spec.unit, top)
            written = when - timedelta(days=rng.randint(2, 12))
            it = self._new_item(plan, col, title, when)
            it.doc_name = doc_name
            it.paragraphs = tx.official_paragraphs(rng, top, rng.randint(3, 4))
            it.signature = (spec.unit, f"{written.year}年{written.month}月{written.day}日")
            number = f"{self._doc_prefix(spec)}〔{written.year}〕{rng.randint(1, 160)}号"
            it.info_table = self._info_table(plan, it, written, number, top)
            if rng.random() < 0.5:
                self._attach(plan, it, rng.choice(["pdf", "docx"]), doc_name.strip("《》"),
                             None)
        elif key == "rsxx":
            it = self._new_item(plan, col, rng.choice([
                f"{spec.unit}{when.year}年公开招聘工作人员拟聘用人员公示",
                f"关于{tx.person_name(rng)}等同志任职前公示",
                f"{spec.unit}关于干部任免的通知"]), when)
            it.paragraphs = [
                "根据干部选拔任用有关规定，经研究，现将有关人员情况予以公示。",
                f"公示期为{when.month}月{when.day}日至{(when + timedelta(days=5)).day}日。"
                "公示期间，如对公示对象有异议，可通过来信、来电、来访等形式向我单位反映。",
            ]
        elif key == "ghjh":
            it = self._new_item(plan, col, f"{spec.unit}{when.year}年{top}工作计划", when)
            it.paragraphs = tx.official_paragraphs(rng, top, 3)[:-1]
        elif key == "sjfb":
            m = (when - timedelta(days=20))
            it = self._new_item(plan, col, f"{m.year}年{m.month}月{spec.short}主要统计数据", when)
            it.paragraphs = [f"现将{m.year}年{m.month}月主要数据发布如下。"]
            it.table = [["指标", "本月", "同比增长（%）"],
                        ["地区生产总值（亿元）", f"{rng.uniform(80, 300):.1f}", f"{rng.uniform(-2, 9):.1f}"],
                        ["固定资产投资（亿元）", f"{rng.uniform(20, 120):.1f}", f"{rng.uniform(-5, 15):.1f}"]]
        elif key == "bstj":
            m = (when - timedelta(days=10))
            it = self._new_item(plan, col, f"{m.year}年{m.month}月政务服务事项办件统计", when)
            it.paragraphs = [f"{m.year}年{m.month}月，共受理政务服务事项{rng.randint(300, 5000)}件，"
                             f"办结{rng.randint(300, 5000)}件，按时办结率100%。"]
            if rng.random() < 0.3:
                self._attach(plan, it, "xls", f"{m.year}年{m.month}月办件统计表",
                             [["事项类别", "受理", "办结"],
                              ["行政许可", str(rng.randint(10, 900)), str(rng.randint(10, 900))]])
        elif key == "dczj":
            it = self._new_item(plan, col, f"关于{top}有关工作公开征求意见的公告", when)
            it.paragraphs = [f"为提高决策科学化、民主化水平，现就{top}有关工作公开征求社会公众意见。"
                             "征求意见时间为30天，欢迎社会各界通过电子邮件、信函等方式提出意见建议。"]
        else:  # zxft
            it = self._new_item(plan, col, f"在线访谈：{spec.short}负责同志解读{top}工作", when)
            it.paragraphs = [f"本期访谈邀请{spec.short}负责同志，围绕{top}工作与网民在线交流。",
                             "主持人：各位网友大家好，欢迎来到本期在线访谈。"]
        return it

    def _doc_prefix(self, spec: SiteSpec) -> str:
        if spec.kind == SiteKind.PORTAL:
            return "示政" if spec.region == "市直" else spec.region[:2] + "政"
        return "示" + spec.short.lstrip("市")[:2]

    def _info_table(self, plan: SitePlan, it: Item, written: datetime, number: str,
                    top: str) -> list[list[tuple[str, str]]]:
        when = it.when
        assert when is not None
        credit = "11" + plan.spec.code[:6] + f"{plan.rng.randrange(10**9):09d}" + "X"
        index_no = f"{credit}/{when.year}-{plan.rng.randint(1, 99999):05d}"
        return [
            [("索引号", index_no), ("信息分类", "政策文件")],
            [("发布机构", plan.spec.unit), ("主题分类", top)],
            [("名称", it.title), ("文号", number)],
            [("成文日期", f"{written:%Y-%m-%d}"), ("发布日期", f"{when:%Y-%m-%d}")],
            [("主题词", top), ("有效性", "有效")],
        ]

    def _asset_path(self, col: Col, d: datetime, prefix: str, ext: str, rng: random.Random) -> str:
        return f"{col.path}{d:%Y%m}/{prefix}0{d:%Y%m%d}{rng.randrange(10**12):012d}.{ext}"

    def _attach(self, plan: SitePlan, it: Item, ext: str, name: str,
                rows: list[list[str]] | None, lines: list[str] | None = None) -> str:
        """Add an attachment to an item and register its file; returns its path."""
        rng = plan.rng
        col = plan.cols[it.col]
        path = self._asset_path(col, it.url_date, "P", ext, rng)
        if ext in ("xlsx", "xls"):
            data = (att.xlsx if ext == "xlsx" else att.xls)("Sheet1", rows or [["序号", "名称"]])
        else:
            body = lines or [name, f"单位名称：{plan.spec.unit}", "联系人：", "联系电话："]
            data = att.pdf(body) if ext == "pdf" else att.docx(name, body)
        self.pages[(plan.site.host, path)] = Page(data, CONTENT_TYPES[ext], encoding=None)
        it.attachments.append((f"{name}.{ext}", "./" + path.rsplit("/", 1)[1]))
        return path

    def _image(self, plan: SitePlan, it: Item, alt: str) -> None:
        path = self._asset_path(plan.cols[it.col], it.url_date, "W", "png", plan.rng)
        color = tuple(plan.rng.randrange(256) for _ in range(3))
        self.pages[(plan.site.host, path)] = Page(att.png(32, 20, color), "image/png",
                                                  encoding=None)
        it.images.append(("./" + path.rsplit("/", 1)[1], alt))

    def _add_interpretation(self, plan: SitePlan, doc: Item) -> None:
        rng = plan.rng
        col = plan.cols["zcjd"]
        assert doc.when is not None
        when = min(doc.when + timedelta(hours=rng.randint(1, 30)), self.t - timedelta(hours=1))
        top = doc.info_table[1][1][1] if doc.info_table else tx.topic(rng)
        title = rng.choice([f"{doc.doc_name}政策解读", f"一图读懂{doc.doc_name}",
                            f"解读：{doc.doc_name}"])
        it = self._new_item(plan, col, title, when)
        it.paragraphs = tx.interpretation_paragraphs(rng, doc.doc_name, top)
        it.related_label = "相关文件："
        it.related = [(doc.title, doc.path)]
        doc.interp = it
        doc.related_label = "相关解读："
        doc.related = [(it.title, it.path)]
        col.items.append(it)

    def _plan_messages(self, plan: SitePlan, col: Col, n: int, state: str) -> None:
        rng = plan.rng
        for when in self._dates(rng, "messages", n, state):
            top = tx.topic(rng)
            title = rng.choice([f"咨询{top}相关政策", f"关于{top}的建议", f"反映小区{top}问题",
                                f"请问{top}补贴如何申请"])
            it = self._new_item(plan, col, title, when)
            reply = min(when + timedelta(days=rng.uniform(0.5, 4)), self.t - timedelta(hours=2))
            it.status = "已答复"
            it.rows = [
                ("留言标题", title), ("留言人", tx.masked_person(rng)),
                ("留言时间", f"{when:%Y-%m-%d %H:%M}"),
                ("留言内容", f"您好，我想咨询一下{top}方面的政策，具体应当向哪个部门申请？谢谢。"),
                ("答复单位", plan.spec.unit), ("答复时间", f"{reply:%Y-%m-%d %H:%M}"),
                ("答复内容", f"您好！您反映的问题已收悉。经核实，{top}相关事项由我单位负责办理，"
                         f"请携带相关材料到市政务服务中心窗口办理。感谢您的关注与支持！"),
            ]
            col.items.append(it)

    GUIDE_ELEMENTS = ["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构",
                      "收费标准", "办理时间", "联系电话", "办理流程"]

    def _plan_guides(self, plan: SitePlan, col: Col, n: int) -> None:
        rng = plan.rng
        for when in self._dates(rng, "guides", n, "fresh"):
            top = tx.topic(rng)
            name = rng.choice([f"{top}专项资金申请", f"{top}备案", f"{top}资格认定",
                               f"{top}证明开具"])
            it = self._new_item(plan, col, f"{name}办事指南", when)
            law = rng.choice(tx.LAWS)
            article = GUIDE_ARTICLES[it.id % len(GUIDE_ARTICLES)]
            values = {
                "事项名称": name,
                "设定依据": f"{law}{article}：公民、法人或者其他组织申请办理本事项的，应当依法向"
                        "有关行政机关提出申请，并如实提交有关材料。",
                "申请条件": "申请人应当具有完全民事行为能力，并符合相关规定条件。",
                "办理材料": "1.申请表（原件1份，纸质）；2.身份证件（复印件1份）。",
                "办理地点": f"{tx.CITY}政务服务中心二楼综合窗口",
                "办理机构": plan.spec.unit, "收费标准": "不收费",
                "办理时间": "工作日上午8:30—12:00，下午14:30—17:30",
                "联系电话": f"0550-{rng.randint(3000000, 3999999)}",
                "办理流程": "申请—受理—审查—决定—送达",
            }
            it.rows = [(k, values[k]) for k in self.GUIDE_ELEMENTS]
            col.items.append(it)

    # -- planted problems ---------------------------------------------------------------
    def _plant_problems(self) -> None:
        rng = self.rng
        n = len(self.plans)
        plans = self.plans
        non_portal = plans[1:] or plans

        def sites_for(count: int, pool: list[SitePlan] | None = None) -> list[SitePlan]:
            pool = pool or plans
            return [pool[k % len(pool)] for k in rng.sample(range(max(count, len(pool))), count)]

        def many(density: float, lo: int = 1) -> int:
            return max(lo, round(density * n))

        # column profiles first: they decide how items are generated
        prof: list[tuple[str, str, str | None, str]] = [
            # (column, profile, kind, indicator)
            ("zwyw", "stale", "stale_news_column", "W-D4"),
            ("tzgg", "stale", "stale_notice_column", "W-V4"),
            ("zcwj", "stale", "stale_policy_column", "W-D5"),
            ("rsxx", "stale", "stale_longterm_column", "W-V4"),
            ("bstj", "stale", "stale_service_stats", "W-D12"),
            ("zxzx", "stale", "stale_messages", "W-D18"),
        ]
        self.column_entries: list[tuple[SitePlan, str, str, str]] = []
        for key, profile, kind, ind in prof:
            for plan in sites_for(many(0.06), non_portal):
                plan.profile[key] = profile
                self.column_entries.append((plan, key, kind, ind))
        hs = plans[self.homepage_stale_site] if n > 1 else plans[0]
        for key in ("zwyw", "gzdt"):
            hs.profile[key] = "stale"
        self.column_entries += [(hs, "zwyw", "stale_news_column", "W-D4"),
                                (hs, "gzdt", "stale_news_column", "W-D4")]
        self.homepage_stale_plan = hs
        for key in ("tzgg", "zcwj"):  # everything on its homepage is older than 2 weeks
            if hs.profile[key] == "fresh":
                hs.profile[key] = "stale14"
        blanks = [("blank_column_empty", ""), ("blank_column_placeholder", "暂无信息"),
                  ("blank_column_explained", "本栏目无信息说明：本单位不涉及此类事项，故本栏目暂无信息。")]
        for kind, text in blanks:
            for plan in sites_for(many(0.06), non_portal):
                free = [k for k in ("dczj", "zxft", "ghjh") if plan.profile[k] == "fresh"]
                if not free:
                    continue
                key = rng.choice(free)
                plan.profile[key] = "blank"
                plan.cols[key].blank = text
                self.column_entries.append((plan, key, kind, "W-V4"))
        for plan in plans:
            self._plan_items(plan)
        for plan, key, kind, ind in self.column_entries:
            col = plan.cols[key]
            latest = max((i.when for i in col.items if i.when), default=None)
            self.entry(kind, ind, plan, self.url(plan.site.host, col.path), column=col.name,
                       latest=latest.isoformat() if latest else None)
            if key == "zcwj":
                zc = plan.cols["zcjd"]
                latest = max((i.when for i in zc.items if i.when), default=None)
                self.entry("stale_interpretation_column", "W-D6", plan,
                           self.url(plan.site.host, zc.path), column=zc.name,
                           latest=latest.isoformat() if latest else None)
        self.entry("homepage_stale", "W-V3", hs, hs.site.homepage)

        self._plant_links(many)
        self._plant_text(many, sites_for, non_portal)
        self._plant_site_level(non_portal)

    def _plant_later(self) -> None:
        """Plants added after the first demo releases: each draws from its own random stream
        (seeded from the network's seed and its name), so every page and entry planted before
        stays byte-identical."""
        self._plant_message_stats(random.Random(f"{self.seed}:message_stats"))
        self._plan_mandatory_columns(random.Random(f"{self.seed}:p1_columns"))
        self._plant_vague_materials(random.Random(f"{self.seed}:guide_wording"))
        self._plant_data_release(random.Random(f"{self.seed}:bonus"))
        if self.ipv6:
            self._plant_ipv6(random.Random(f"{self.seed}:ipv6"))

    def _plant_data_release(self, rng: random.Random) -> None:
        """W-B1 (加分, government portals only): every portal's 数据发布 column is fresh (its
        newest item 3–40 days old: the 3-month bonus); on one or two of them the column's
        items move back so that the newest is 4–5 months old (the 6-month bonus). The ground
        truth is derived from the plan: one entry per portal whose column's newest item is
        within 3 (else 6) calendar months before t. Only columns without other plants, links,
        attachments or images on their items move, on sites whose search is the plain one."""
        portals = [p for p in self.plans if p.spec.kind == SiteKind.PORTAL]

        def movable(plan: SitePlan) -> bool:
            col = plan.cols["sjfb"]
            if plan.profile["sjfb"] != "fresh" or col.blank is not None or not col.items:
                return False
            if plan.search is not None and (plan.search.mode != "ok" or plan.search.decoys):
                return False
            if any(it.plants or it.links or it.attachments or it.images or it.related
                   or it.when is None for it in col.items):
                return False
            prefix = self.url(plan.site.host, col.path)
            return not any(str(e.get("url") or "").startswith(prefix)
                           or str(e.get("parent_url") or "").startswith(prefix)
                           for e in self.manifest if e.get("site") == plan.site.code)

        pool = [p for p in portals if movable(p)]
        for plan in self._own_sites(rng, 2 if len(pool) >= 4 else 1, pool) if pool else []:
            col = plan.cols["sjfb"]
            newest = max(it.when for it in col.items if it.when)
            shift = timedelta(days=(newest - self.t).days + rng.randint(125, 148))
            for it in col.items:
                assert it.when is not None
                it.when -= shift
                it.url_date -= shift
                it.path = f"{col.path}{it.url_date:%Y%m}/t{it.url_date:%Y%m%d}_{it.id}.html"
                m = it.when - timedelta(days=20)
                it.title = f"{m.year}年{m.month}月{plan.spec.short}主要统计数据"
                it.paragraphs = [f"现将{m.year}年{m.month}月主要数据发布如下。"]
        for plan in portals:
            col = plan.cols["sjfb"]
            newest = max((it.when for it in col.items if it.when), default=None)
            if newest is None:
                continue
            for months, kind in ((3, "data_release_fresh_3m"), (6, "data_release_fresh_6m")):
                if newest.date() >= (self.t - relativedelta(months=months)).date():
                    self.entry(kind, "W-B1", plan, self.url(plan.site.host, col.path),
                               scope="site", column=col.name, latest=newest.isoformat())
                    break

    def _plant_ipv6(self, rng: random.Random) -> None:
        """W-D29: every site's hosts get an AAAA record (the IPv6 loopback, where the demo server
        listens) except the planted ones: ``ipv6_missing`` (no AAAA record) and ``ipv6_broken``
        (an AAAA record, but the IPv6 listener closes the site's connections unanswered).
        Healthy sites are look-alikes (``lookalike_ipv6_ok``): no W-D29 finding."""
        pool = self.plans[1:] or self.plans
        picks = rng.sample(range(len(pool)), min(len(IPV6_PLANTS), len(pool)))
        planted = {pool[k].site.host: mode for k, mode in zip(picks, IPV6_PLANTS, strict=False)}
        for plan in self.plans:
            site = plan.site
            mode = planted.get(site.host, "ok")
            self.ipv6_plan[site.host] = mode
            if mode != "missing":
                self.resolve6.update({h: IPV6_LOOPBACK for h in site.hosts})
            if mode == "ok":
                self.entry("lookalike_ipv6_ok", "W-D29", plan, site.homepage, scope="site",
                           negative=True)
            else:
                self.entry(f"ipv6_{mode}", "W-D29", plan, site.homepage, scope="site",
                           **({"aaaa": IPV6_LOOPBACK} if mode == "broken" else {}))

    def _own_sites(self, rng: random.Random, count: int, pool: list[SitePlan]) -> list[SitePlan]:
        count = min(count, len(pool))
        return [pool[k] for k in sorted(rng.sample(range(len(pool)), count))]

    def _plant_message_stats(self, rng: random.Random) -> None:
        """W-D18: healthy sites publish 留言受理反馈 statistics, as a block above the mailbox
        list or on a page of their own linked from it; the planted ones publish none, and show
        a 办件统计 block (W-D12 figures, the look-alike) on the mailbox list instead."""
        for plan in self.plans:
            plan.message_stats = "page" if rng.random() < 0.4 else "block"
        pool = [p for p in self.plans if p.cols["zxzx"].items]
        for plan in self._own_sites(rng, max(1, round(0.06 * len(self.plans))), pool):
            plan.message_stats = "none"
            col = plan.cols["zxzx"]
            self.entry("message_stats_missing", "W-D18", plan, self.url(plan.site.host, col.path),
                       column=col.name, lookalike="办件统计")

    def _plant_vague_materials(self, rng: random.Random) -> None:
        """W-D13: a guide whose 办理材料 ends with a catch-all ("根据有关法律法规规定应提交的其他
        材料"); the look-alike is a guide stating that no other material is needed."""
        def complete(plan: SitePlan) -> list[Item]:
            return sorted((i for i in plan.cols["bszn"].items
                           if len(i.rows) == len(self.GUIDE_ELEMENTS)), key=lambda i: i.id)

        pool = [p for p in self.plans if len(complete(p)) >= 2]
        planted = self._own_sites(rng, max(1, round(0.06 * len(self.plans))), pool)
        for plan in pool:
            guides = complete(plan)
            if plan in planted:
                it = guides[rng.randrange(len(guides))]
                phrase = rng.choice(VAGUE_MATERIALS)
                self._add_material(it, phrase)
                self._text_entry("guide_vague_materials", "W-D13", plan, it, phrase)
                guides.remove(it)
            if rng.random() < 0.15:
                it = guides[rng.randrange(len(guides))]
                self._add_material(it, "无需提供其他材料")
                self._text_entry("lookalike_guide_no_other_materials", "W-D13", plan, it,
                                 "无需提供其他材料", negative=True)

    @staticmethod
    def _add_material(it: Item, text: str) -> None:
        rows = dict(it.rows)
        rows["办理材料"] = rows["办理材料"].rstrip("。") + f"；3.{text}。"
        it.rows = list(rows.items())

    def _plan_mandatory_columns(self, rng: random.Random) -> None:
        """P1: every government portal carries the 法定主动公开内容 columns of P1_COLUMNS, with a
        few dated items each; on the planted portals one or two of them are missing."""
        portals = [p for p in self.plans if p.spec.kind == SiteKind.PORTAL]
        planted = self._own_sites(rng, min(3, max(1, len(portals) // 3)), portals)
        next_id = 2_600_000 + rng.randrange(10_000)
        for plan in portals:
            missing = (rng.sample(P1_COLUMNS, rng.randint(1, 2)) if plan in planted else [])
            missing.sort(key=P1_COLUMNS.index)
            for d in P1_COLUMNS:
                if d in missing:
                    continue
                col = Col(d, d.name, _col_path(d))
                n = max(2, round(rng.randint(3, 5) * self.scale))
                when = self.t - timedelta(days=rng.uniform(3, 40))
                for _ in range(n):
                    when = when.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59),
                                        second=0, microsecond=0)
                    next_id += rng.randint(1, 29)
                    it = Item(next_id, d.key, self._p1_title(plan, d.key, when, rng), when, when)
                    it.path = f"{col.path}{when:%Y%m}/t{when:%Y%m%d}_{next_id}.html"
                    it.source = plan.spec.unit
                    it.paragraphs = [f"根据《中华人民共和国政府信息公开条例》，现将{it.title}"
                                     "有关情况予以公开。",
                                     "如有疑问，请在工作日与本机关政务公开办公室联系。"]
                    col.items.append(it)
                    when -= timedelta(days=rng.uniform(10, 60))
                plan.cols[d.key] = col
            zwgk = self.url(plan.site.host, "/zwgk/")
            for d in missing:
                self.entry("mandatory_column_missing", "P1", plan, zwgk, text=d.ctype,
                           category=d.ctype, column=d.name)

    def _p1_title(self, plan: SitePlan, key: str, when: datetime, rng: random.Random) -> str:
        spec, top = plan.spec, tx.topic(rng)
        return {
            "xzzf": f"{spec.short}{top}领域“双随机、一公开”抽查结果",
            "czyjs": f"{spec.unit}{when.year}年部门预算",
            "zfcg": f"{spec.short}{top}服务采购项目成交结果",
            "zdxm": f"{spec.short}{when.year}年重点建设项目{top}专项实施进展",
            "yjgl": f"{spec.short}{top}突发事件应急处置情况",
        }[key]

    def _message_stats(self, plan: SitePlan, col: Col) -> dict:
        """What the first mailbox list page shows about statistics (template variables)."""
        items = col.items
        answered = sum(1 for i in items if i.status == "已答复")
        if plan.message_stats == "none":
            stats = [i for i in plan.cols["bstj"].ordered() if i.when][:1]
            text = (f"办件统计：{stats[0].title}，按时办结率100%。" if stats else "")
            return {"stats": text, "stats_link": None}
        if plan.message_stats == "block":
            return {"stats": f"留言办理情况统计：本栏目共收到网民留言{len(items)}件，已受理"
                              f"{len(items)}件，已办结（答复）{answered}件，正在办理{len(items) - answered}件。",
                    "stats_link": None}
        return {"stats": "", "stats_link": ("留言办理情况统计", "./" + MESSAGE_STATS_PAGE)}

    def _render_message_stats_page(self, plan: SitePlan, col: Col) -> None:
        """The statistics page of a ``message_stats == "page"`` site: figures per month."""
        months: dict[tuple[int, int], list[int]] = {}
        for it in col.items:
            if it.when:
                row = months.setdefault((it.when.year, it.when.month), [0, 0])
                row[0] += 1
                row[1] += it.status == "已答复"
        table = [["月份", "收到留言（件）", "已受理（件）", "已办结（件）"]]
        table += [[f"{y}年{m}月", str(n), str(n), str(done)]
                  for (y, m), (n, done) in sorted(months.items(), reverse=True)[:6]]
        when = (self.t - timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)
        title = f"{col.name}留言办理情况统计"
        it = Item(0, col.d.key, title, when, when, path=col.path + MESSAGE_STATS_PAGE,
                  source=plan.spec.unit)
        sec_name = dict(SECTIONS)[col.d.section]
        self._emit(plan, it.path, "article.html.j2", {
            **_EMPTY_ARTICLE, "page_title": title, "metas": self._metas(plan, col, it),
            "crumbs": [(sec_name, f"/{col.d.section}/"), (col.name, col.path), ("正文", None)],
            "title": title, "byline": f"发布时间：{when:%Y-%m-%d %H:%M}　来源：{plan.spec.unit}",
            "paragraphs": [f"现将{col.name}栏目近期网民留言受理、办结情况公布如下。"],
            "table": table})

    def _move_item(self, plan: SitePlan, it: Item, url_date: datetime) -> None:
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

    def _sync_policy_dates(self, it: Item) -> None:
        if it.info_table and it.when:
            row = it.info_table[3]
            it.info_table[3] = [row[0], ("发布日期", f"{it.when:%Y-%m-%d}")]

    def _pick_items(self, plan: SitePlan, keys: tuple[str, ...], k: int = 1) -> list[Item]:
        pool = [it for key in keys for it in plan.cols[key].items]
        pool.sort(key=lambda i: i.id)
        return plan.rng.sample(pool, min(k, len(pool)))

    def _plant_links(self, many) -> None:
        rng = self.rng
        plans = self.plans
        classes = ["dead_link_404", "dead_link_dns", "dead_link_attachment", "dead_link_image",
                   "dead_link_soft404", "dead_link_redirect_loop"]
        for cls in classes:
            count = many(0.3, 2)
            for k in range(count):
                plan = plans[rng.randrange(len(plans))]
                on_home = k == 0
                parent = None if on_home else self._pick_items(
                    plan, ("zwyw", "gzdt", "tzgg", "zcwj"))
                if not on_home and not parent:
                    on_home = True
                self._dead_link(plan, cls, parent[0] if parent else None)

    def _dead_link(self, plan: SitePlan, cls: str, parent: Item | None) -> None:
        rng = self.rng
        host = plan.site.host
        base_date = parent.url_date if parent else self.t - timedelta(days=400)
        old = base_date - timedelta(days=rng.randint(60, 900))
        gone_id = self.doc_id()
        text = f"{tx.topic(rng)}相关材料"
        is_image = False
        if cls == "dead_link_404":
            path = f"/zwgk/tzgg/{old:%Y%m}/t{old:%Y%m%d}_{gone_id}.html"
            href, target = path, self.url(host, path)
            text = tx.notice_title(rng, tx.topic(rng), old.year)
        elif cls == "dead_link_dns":
            dead = rng.choice(DEAD_HOSTS)
            target = href = origin(dead, 80) + f"/{old:%Y%m}/t{old:%Y%m%d}_{gone_id}.html"
            text = "原" + rng.choice(["环保局网站", "国土资源网", "专题网站"]) + "相关信息"
        elif cls in ("dead_link_attachment", "dead_link_image"):
            ext = "pdf" if cls == "dead_link_attachment" else "jpg"
            col_path = plan.cols[parent.col].path if parent else "/zwgk/tzgg/"
            path = f"{col_path}{old:%Y%m}/{'P' if ext == 'pdf' else 'W'}0{old:%Y%m%d}" \
                   f"{rng.randrange(10**12):012d}.{ext}"
            href, target = path, self.url(host, path)
            is_image = ext == "jpg"
            text = f"{tx.topic(rng)}实施细则.pdf" if not is_image else "宣传图片"
        elif cls == "dead_link_soft404":
            path = f"/zwgk/zcwj/{old:%Y%m}/t{old:%Y%m%d}_{gone_id}.html"
            href, target = path, self.url(host, path)
            self.pages[(host, path)] = self._soft404_page(plan)
            text = tx.notice_title(rng, tx.topic(rng), old.year)
        else:  # redirect loop
            a, b = f"/art/{old:%Y/%m/%d}/art_{gone_id}.html", f"/art/{old:%Y/%m/%d}/art_{gone_id}/"
            for src, dst in ((a, b), (b, a)):
                self.pages[(host, src)] = Page(b"", "text/html", status=302,
                                               headers=(("Location", self.url(host, dst)),))
            href, target = a, self.url(host, a)
        parent_path = parent.path if parent else "/"
        parent_url = self.url(host, parent_path)
        if parent is None:
            if is_image:
                plan.home_promo.append((href, text))
            else:
                plan.home_links.append((text, href))
        elif is_image:
            parent.images.append((href, text))
        elif cls == "dead_link_attachment":
            parent.attachments.append((text, href))
        else:
            parent.links.append((text, href))
        self.entry(cls, "W-D22", plan, target, parent_url=parent_url,
                   on_homepage=parent is None, link_text=text)

    def _soft404_page(self, plan: SitePlan) -> Page:
        html = _env().get_template("plain.html.j2").render(
            title="页面不存在", paragraphs=["对不起，您访问的页面不存在或已被删除！",
                                        "请检查网址是否正确，或返回首页浏览其他内容。"],
            links=[("返回首页", "/")])
        return Page(html.encode("utf-8"), "text/html; charset=utf-8")

    def _put(self, it: Item, para: str, sub: str, entry: dict, at: int | None = None) -> None:
        """Insert paragraph ``para`` (which contains ``sub``) into the item body."""
        pos = len(it.paragraphs) - (1 if it.signature or it.paragraphs[-1:] == ["特此通知。"] else 0)
        if at is not None:
            pos = at
        it.paragraphs.insert(max(0, pos), para)
        it.plants.append(Plant(para, para.index(sub), sub, entry))

    def _text_entry(self, kind: str, indicator: str, plan: SitePlan, it: Item, text: str,
                    **extra) -> dict:
        return self.entry(kind, indicator, plan, self.url(plan.site.host, it.path), text=text,
                          **extra)

    def _plant_text(self, many, sites_for, non_portal) -> None:
        rng = self.rng
        news = ("zwyw", "gzdt")
        for plan in sites_for(many(0.25, 2)):
            for it in self._pick_items(plan, news):
                correct, wrong, sentence = rng.choice(tx.TYPOS)
                para = sentence.replace(correct, wrong)
                e = self._text_entry("typo", "W-V1", plan, it, wrong, correct=correct,
                                     severity="general")
                self._put(it, para, wrong, e)
        for plan in sites_for(many(0.1, 1)):
            title, name, _ = plan.leaders[0]
            for it in self._pick_items(plan, news):
                bad = tx.misspell(name)
                para = f"{title}{bad}出席会议并讲话，对做好下一阶段工作提出明确要求。"
                e = self._text_entry("wrong_leader_name", "W-V1", plan, it, bad, correct=name,
                                     severity="serious")
                self._put(it, para, bad, e)
        for plan in sites_for(many(0.1, 1)):
            title, name, _ = plan.leaders[0]
            wrong_title = plan.leaders[1][0]
            for it in self._pick_items(plan, news):
                bad = wrong_title + name
                para = f"{bad}带队深入企业，实地督导{tx.topic(rng)}工作开展情况。"
                e = self._text_entry("wrong_leader_title", "W-V1", plan, it, bad,
                                     correct=title + name, severity="serious")
                self._put(it, para, bad, e)
        for plan in sites_for(many(0.12, 1)):
            for it in self._pick_items(plan, ("tzgg", "zcwj")):
                old, new = rng.choice(tx.ABOLISHED)
                para = f"根据{old}有关工作要求，各单位要按照职责分工，切实抓好贯彻落实。"
                e = self._text_entry("abolished_institution", "W-V1", plan, it, old,
                                     correct=new, severity="serious")
                self._put(it, para, old, e, at=1)
        # personal data: IDs in 人事 pages, mobiles in notices, and look-alikes
        for plan in sites_for(many(0.1, 1)):
            for it in self._pick_items(plan, ("rsxx",)):
                pid = personal_id(rng, valid=True)
                person = tx.person_name(rng)
                para = f"拟聘用人员：{person}，女，身份证号码：{pid}，大学本科学历。"
                e = self._text_entry("personal_id", "W-V1", plan, it, pid)
                self._put(it, para, pid, e, at=1)
                bad = personal_id(rng, valid=False)
                para = f"拟聘用人员：{tx.person_name(rng)}，男，准考证号：{bad}，硕士研究生学历。"
                e = self._text_entry("lookalike_bad_checksum_id", "W-V1", plan, it, bad,
                                     negative=True)
                self._put(it, para, bad, e, at=2)
                masked = pid[:4] + "*" * 10 + pid[-4:]
                para = f"拟聘用人员：{person}（身份证号{masked}）已通过体检和考察。"
                e = self._text_entry("lookalike_masked_id", "W-V1", plan, it, masked,
                                     negative=True)
                self._put(it, para, masked, e, at=3)
        for plan in sites_for(many(0.1, 1)):
            for it in self._pick_items(plan, ("tzgg",)):
                mobile = mobile_number(rng)
                # A leak as GI-P001 defines it: a private person's mobile beside their
                # personal data (a notice's 联系人/联系电话 is a work contact, published on purpose).
                para = (f"城乡低保新增对象公示：户主{tx.person_name(rng)}，性别男，家庭人口"
                        f"{rng.randint(2, 5)}人，手机号码：{mobile}。")
                e = self._text_entry("mobile_number", "W-V1", plan, it, mobile)
                self._put(it, para, mobile, e)
                masked = mobile[:3] + "****" + mobile[-4:]
                para = f"中奖用户：{tx.masked_person(rng)}，手机号{masked}，请于5个工作日内领取。"
                e = self._text_entry("lookalike_masked_mobile", "W-V1", plan, it, masked,
                                     negative=True)
                self._put(it, para, masked, e)
                land = f"0550-{rng.randint(3000000, 3999999)}"
                para = f"咨询电话：{land}（工作日8:30—17:30）。"
                e = self._text_entry("lookalike_landline", "W-V1", plan, it, land,
                                     negative=True)
                self._put(it, para, land, e)
                num = f"示政办〔2022〕{rng.randint(100, 199)}号"
                para = f"请各单位按照{num}文件要求，于6月30日前报送工作总结。"
                e = self._text_entry("lookalike_doc_number", "W-V1", plan, it, num,
                                     negative=True)
                self._put(it, para, num, e, at=1)
        # personal data inside attachments
        for plan in sites_for(many(0.06, 1)):
            for it in self._pick_items(plan, ("rsxx",)):
                pid = personal_id(rng, valid=True)
                rows = [["序号", "姓名", "性别", "身份证号码", "岗位"],
                        ["1", tx.person_name(rng), "男", pid, "综合管理岗"]]
                path = self._attach(plan, it, "xlsx", "拟聘用人员名单", rows)
                self.entry("personal_id_in_attachment", "W-V1", plan,
                           self.url(plan.site.host, path),
                           parent_url=self.url(plan.site.host, it.path), text=pid,
                           location="Sheet1!D2", attachment_type="xlsx")
        for plan in sites_for(many(0.06, 1)):
            for it in self._pick_items(plan, ("tzgg",)):
                mobile = mobile_number(rng)
                lines = ["高龄津贴发放对象公示", "以下人员经审核符合条件，现予公示。",
                         f"申请人：{tx.person_name(rng)}，性别：女，手机号码：{mobile}"]
                ext = rng.choice(["docx", "pdf"])
                path = self._attach(plan, it, ext, "发放对象公示", None, lines)
                self.entry("mobile_in_attachment", "W-V1", plan, self.url(plan.site.host, path),
                           parent_url=self.url(plan.site.host, it.path), text=mobile,
                           location="paragraph 3" if ext == "docx" else "page 1",
                           attachment_type=ext)
        # 文号 with wrong brackets, pubdate moved, 解读 linkage
        variants = [("[", "]"), ("(", ")"), ("〔 ", " 〕")]
        for k, plan in enumerate(sites_for(many(0.1, 3))):
            for it in self._pick_items(plan, ("zcwj",)):
                row = it.info_table[2]
                good = row[1][1]
                lo, hi = variants[k % 3]
                bad = good.replace("〔", lo).replace("〕", hi)
                it.info_table[2] = [row[0], ("文号", bad)]
                e = self._text_entry("doc_number_format", "P7", plan, it, bad, correct=good)
                cell = f"<th>文号</th><td>{bad}</td>"
                it.plants.append(Plant(cell, cell.index(bad), bad, e))
        pool = [p for p in non_portal if p is not self.homepage_stale_plan] or non_portal
        for plan in sites_for(many(0.06, 1), pool):
            docs = [i for i in plan.cols["zcwj"].ordered() if i.when and
                    i.when > self.t - timedelta(days=150)]
            if not docs:
                continue
            it = docs[-1]
            original = it.when
            assert original is not None
            if (self.t - original).days < 90:  # make it a clear move: written long ago
                original = original - timedelta(days=120)
                self._move_item(plan, it, original)
                row = it.info_table[3]
                it.info_table[3] = [("成文日期", f"{original - timedelta(days=5):%Y-%m-%d}"),
                                    row[1]]
            it.when = (self.t - timedelta(days=rng.uniform(2, 10))).replace(second=0,
                                                                           microsecond=0)
            self._sync_policy_dates(it)
            shown = f"{it.when:%Y-%m-%d}"
            e = self._text_entry("pubdate_moved", "W-V1", plan, it, shown,
                                 original=f"{original:%Y-%m-%d}")
            cell = f"<th>发布日期</th><td>{shown}</td>"
            it.plants.append(Plant(cell, cell.index(shown), shown, e))
        for plan in sites_for(many(0.12, 2)):
            docs = [i for i in plan.cols["zcwj"].items if i.interp]
            if len(docs) < 2:
                continue
            doc = docs[rng.randrange(len(docs))]
            zc = plan.cols["zcjd"]
            zc.items.remove(doc.interp)
            doc.interp = None
            doc.related = []
            self.entry("policy_without_interpretation", "W-D7", plan,
                       self.url(plan.site.host, doc.path), title=doc.title)
        for plan in sites_for(many(0.12, 2)):
            docs = [i for i in plan.cols["zcwj"].items if i.interp and i.related]
            if not docs:
                continue
            doc = docs[rng.randrange(len(docs))]
            doc.related = []
            self.entry("interpretation_oneway_link", "W-D8", plan,
                       self.url(plan.site.host, doc.interp.path),
                       document_url=self.url(plan.site.host, doc.path),
                       missing="document_to_interpretation")
        # messages
        for plan in sites_for(many(0.08, 1)):
            older = plan.cols["zxzx"].ordered()[1:]
            for it in plan.rng.sample(older, min(1, len(older))):
                when = self.t - timedelta(days=rng.uniform(100, 160))
                it.when = when.replace(second=0, microsecond=0)
                it.status = "办理中"
                rows = dict(it.rows)
                rows["留言时间"] = f"{it.when:%Y-%m-%d %H:%M}"
                rows["答复单位"] = rows["答复时间"] = rows["答复内容"] = ""
                it.rows = list(rows.items())
                self._text_entry("message_unanswered", "W-V5", plan, it, "",
                                 asked=it.when.isoformat())
        for plan in sites_for(many(0.08, 1)):
            for it in self._pick_items(plan, ("zxzx",)):
                bad = "请关注“示例同城生活”微信公众号或在百度搜索了解"
                rows = dict(it.rows)
                rows["答复内容"] = f"您好！您咨询的问题不属于我单位职责范围，{bad}。感谢您的关注！"
                it.rows = list(rows.items())
                e = self._text_entry("reply_commercial_redirect", "W-D19", plan, it, bad)
                it.plants.append(Plant(rows["答复内容"], rows["答复内容"].index(bad), bad, e))
        for plan in sites_for(many(0.06, 1)):
            for it in self._pick_items(plan, ("zxzx",)):
                if it.status != "已答复":
                    continue
                it.rows = [(k, v) for k, v in it.rows if k != "答复时间"]
                self._text_entry("message_missing_fields", "W-D18", plan, it, "",
                                 missing=["答复时间"])
        for plan in sites_for(many(0.08, 1)):
            for it in self._pick_items(plan, ("bszn",)):
                missing = rng.sample(self.GUIDE_ELEMENTS[1:], 4)
                missing.sort(key=self.GUIDE_ELEMENTS.index)
                it.rows = [(k, v) for k, v in it.rows if k not in missing]
                self._text_entry("guide_missing_elements", "W-V6", plan, it, "", missing=missing)
        # undated items (never the newest of a column, so freshness stays as planned)
        for plan in sites_for(many(0.1, 1)):
            for it in self._pick_items(plan, ("zwyw", "tzgg")):
                col = plan.cols[it.col]
                if col.ordered()[0] is it or it.plants:
                    continue
                it.when = None
                self._text_entry("undated_item", "W-V4", plan, it, "")
        # annual report missing: drop the 2021 report
        for plan in sites_for(many(0.06, 1), non_portal):
            col = plan.cols["ndbg"]
            latest = max(col.items, key=lambda i: i.url_date)
            col.items.remove(latest)
            self.entry("annual_report_missing", "P5", plan, self.url(plan.site.host, col.path),
                       year=2021)

    def _plant_site_level(self, non_portal) -> None:
        plans = self.plans
        n = len(plans)

        def at(i: int) -> SitePlan:
            return plans[i] if n > 1 else plans[0]

        items = [["icp", "police"], ["sitecode", "conac"]]
        for i, missing in zip(self.footer_sites, items, strict=True):
            plan = at(i)
            plan.footer_missing += tuple(missing)
            for item in missing:
                self.entry("footer_missing_item", "W-D21", plan, plan.site.homepage,
                           item=FOOTER_ITEMS[item], scope="site")
        plan = at(self.jiucuo_site)
        plan.footer_missing += ("jiucuo",)
        self.entry("jiucuo_missing", "W-D23", plan, plan.site.homepage, scope="site")
        plan = at(self.no_meta_site)
        plan.no_meta = True
        self.entry("meta_tags_missing", "W-D27", plan, plan.site.homepage, scope="site",
                   missing=list(META_ALL))
        # a few pages elsewhere lack their column or content tags
        rng = self.rng
        for plan in plans:
            if plan.no_meta:
                continue
            for key in ("zwyw", "tzgg"):
                col = plan.cols[key]
                for it in sorted(col.items, key=lambda i: i.id):
                    if rng.random() < 0.03:
                        it.drop_meta = META_CONTENT
                        self.entry("meta_tags_missing", "W-D27", plan,
                                   self.url(plan.site.host, it.path), scope="page",
                                   missing=list(META_CONTENT))
            if rng.random() < 0.15:
                col = plan.cols["gzdt"]
                if col.items:
                    col.drop_meta = META_COLUMN
                    self.entry("meta_tags_missing", "W-D27", plan,
                               self.url(plan.site.host, col.path), scope="page",
                               missing=list(META_COLUMN))
        plan = at(self.spam_site)
        plan.spam = True
        self.entry("hidden_spam_links", "W-V1", plan, plan.site.homepage, text="")
        self._plant_transport()
        for plan in plans:
            if plan.charset_mode == "wrong":
                self.entry("charset_wrong", "W-D28", plan, plan.site.homepage, scope="site",
                           declared="utf-8", actual="gbk")
            if plan.spec.slug in NONCOMPLIANT_DOMAIN:
                self.entry("domain_noncompliant", "W-D20", plan, plan.site.homepage,
                           host=plan.site.host)
        if self.faults:
            plan = at(self.flaky_site)
            every = 6
            self.flaky[(plan.site.host, "/")] = every
            self.entry("availability_flaky", "W-V2", plan, plan.site.homepage,
                       failure_share=round(1 / every, 4), status=503)
            plan = at(self.slow_site)
            self.slow_hosts[plan.site.host] = (0.3, 0.8)
            self.entry("slow_site", None, plan, plan.site.homepage, delay_s=[0.3, 0.8])
            plan = at(self.trap_site)
            plan.trap = True
            self.trap_hosts[plan.site.host] = plan
            self.entry("crawler_trap", None, plan, self.url(plan.site.host, TRAP_PATH + "?date="),
                       url_prefix=self.url(plan.site.host, TRAP_PATH + "?date="),
                       parent_url=plan.site.homepage)

    def _plant_transport(self) -> None:
        """G13 entries of a TLS network: the planted sites, and every healthy HTTPS site as a
        look-alike (no G13 finding may be reported; IPv6 has its own look-alikes)."""
        if self.https_port is None:
            return
        from govinspect.demo.tls import EXPIRED_DAYS_AGO, OTHER_HOSTS

        planted = dict(self.transport_sites)
        for i, plan in enumerate(self.plans):
            mode = planted.get(i, "ok")
            t = self.transport[plan.site.host]
            home = plan.site.homepage
            if mode == "http_only":
                self.entry("http_only", "G13", plan, home, scope="site")
            elif mode in ("cert_expired", "cert_hostname_mismatch"):
                extra = {"expired_days": EXPIRED_DAYS_AGO} if t.cert == "expired" else \
                    {"cert_names": list(OTHER_HOSTS)}
                self.entry(mode, "G13", plan, home, scope="site", **extra)
            if mode != "http_only" and not t.redirect:
                # also the broken-certificate sites: HTTPS offered on the side, not enforced
                self.entry("no_https_redirect", "G13", plan, home, scope="site",
                           http_status=200)
            if mode == "no_hsts":
                self.entry("no_hsts", "G13", plan, home, scope="site")
            if mode in ("ok", "ok_renewing"):
                self.entry("lookalike_https_ok", "G13", plan, home, scope="site",
                           cert_days=t.cert_days, negative=True)

    # -- rendering ----------------------------------------------------------------------
    def _footer(self, plan: SitePlan) -> dict:
        site = plan.site
        miss = set(plan.footer_missing)
        prov = "皖"
        return {
            "conac": "conac" not in miss,
            # External registry hosts are served by the demo server too, on its port.
            "conac_url": self.url("bszs.conac.cn",
                                  f"/sitename?method=show&id={site.code[-6:]}A1B2C3"),
            "icp_url": self.url("beian.miit.gov.cn", "/"),
            "jiucuo": "jiucuo" not in miss,
            "jiucuo_url": self.url("zfwzgl.www.gov.cn", "/exposure/jiucuo.html?site_code="
                                   f"{site.code}&url={quote(site.homepage, safe='')}"),
            "sponsor": "sponsor" not in miss,
            "contact": "contact" not in miss,
            "address": f"{tx.CITY}{tx.STREETS[int(site.code[-2:]) % len(tx.STREETS)]}"
                       f"{int(site.code[-3:]) % 200 + 1}号",
            "phone": f"0550-{3000000 + int(site.code[-4:]) * 37 % 999999}",
            "sitecode": "sitecode" not in miss,
            "icp": None if "icp" in miss else f"{prov}ICP备{int(site.code[-5:]) + 5000000:08d}号",
            "police": None if "police" in miss else
            f"{prov}公网安备 {site.code[:6]}02{int(site.code[-6:]):06d}号",
            "police_url": self.url("www.beian.gov.cn", "/portal/registerSystemInfo?recordcode="
                                   f"{site.code[:6]}02{int(site.code[-6:]):06d}"),
        }

    def _metas(self, plan: SitePlan, column: Col | None, item: Item | None,
               column_name: str | None = None) -> list[tuple[str, str]]:
        if plan.no_meta:
            return []
        site = plan.site
        m = [("SiteName", site.name), ("SiteDomain", site.host), ("SiteIDCode", site.code)]
        if column is not None or column_name:
            name = column.name if column else column_name
            ctype = column.d.ctype if column else column_name
            m += [("ColumnName", name), ("ColumnType", ctype)]
        if item is not None:
            m += [("ArticleTitle", item.title)]
            if item.when:
                m += [("PubDate", f"{item.when:%Y-%m-%d %H:%M}")]
            m += [("ContentSource", item.source)]
        drop = set(item.drop_meta if item else ()) | set(
            column.drop_meta if (column and item is None) else ())
        return [(k, v) for k, v in m if k not in drop]

    def _emit(self, plan: SitePlan, path: str, template: str, ctx: dict,
              plants: list[Plant] = ()) -> None:
        self.pages[(plan.site.host, path)] = self._render(plan, path, template, ctx, plants)

    def _render(self, plan: SitePlan, path: str, template: str, ctx: dict,
                plants: list[Plant] = ()) -> Page:
        site = plan.site
        mode = plan.charset_mode
        if site.encoding == "gbk":
            declared = {"ok": "gb2312", "missing": None, "wrong": "utf-8"}[mode]
            header = {"ok": "text/html; charset=GBK", "missing": "text/html",
                      "wrong": "text/html; charset=utf-8"}[mode]
        else:
            declared, header = "utf-8", "text/html; charset=utf-8"
        html = _env().get_template(template).render(
            site=site, sections=self._sections(plan), footer=self._footer(plan),
            charset_meta=declared, search=srch.form_context(plan), **ctx)
        if plants:
            main = html.index('<div class="main')
            for p in plants:
                pos = html.find(p.container, main)
                if pos < 0:
                    raise AssertionError(f"planted text not rendered: {p.text!r} at {path}")
                start = pos + p.offset
                assert html[start:start + len(p.text)] == p.text
                if p.text:
                    p.entry["span"] = {"start": start, "end": start + len(p.text)}
                    p.entry["context"] = html[max(0, start - 20):start + len(p.text) + 20]
        return Page(html.encode(site.encoding), header, encoding=site.encoding)

    def _sections(self, plan: SitePlan) -> list[dict]:
        return [{"name": name, "path": f"/{key}/"} for key, name in SECTIONS]

    def _render_site(self, plan: SitePlan) -> None:
        host = plan.site.host
        # static assets
        for name, color in (("logo", (180, 20, 20)), ("banner", (30, 90, 160)),
                            ("dzjg", (200, 0, 0)), ("jiucuo", (220, 120, 0)), ("ga", (0, 60, 140))):
            self.pages[(host, f"/images/{name}.png")] = Page(att.png(16, 8, color), "image/png",
                                                             encoding=None)
        self.pages[(host, "/css/style.css")] = Page(
            b"body{font-family:'Microsoft YaHei',SimSun;margin:0}.wrap{width:1200px;margin:0 auto}\n",
            "text/css", encoding=None)
        # items
        for col in plan.cols.values():
            for it in col.ordered():
                self._render_item(plan, col, it)
            self._render_column(plan, col)
        for key, name in SECTIONS:
            cols = [c for c in plan.cols.values() if c.d.section == key]
            blocks = [self._block(c, 5) for c in cols if c.d.mode not in ("static", "leaders")]
            self._emit(plan, f"/{key}/", "section.html.j2", {
                "page_title": name, "metas": self._metas(plan, None, None, name),
                "crumbs": [(name, None)], "section": {"name": name}, "columns": cols,
                "blocks": blocks})
            self._alias_index(host, f"/{key}/")
        for path, title, paras in (
                ("/wzdt/", "网站地图", ["本站栏目：" + "、".join(c.name for c in plan.cols.values())]),
                ("/lxwm/", "联系我们", [f"主办单位：{plan.site.unit}",
                                    f"联系电话：{self._footer(plan)['phone']}"])):
            self._emit(plan, path, "article.html.j2", {
                "page_title": title, "metas": self._metas(plan, None, None, title),
                "crumbs": [(title, None)], "title": title, "paragraphs": paras, **_EMPTY_ARTICLE})
        self._render_home(plan)

    def _block(self, col: Col, k: int) -> dict:
        items = [{"title": i.title, "href": i.path, "date": f"{i.when:%Y-%m-%d}" if i.when else ""}
                 for i in col.ordered()[:k]]
        return {"name": col.name, "path": col.path, "items": items,
                "empty": col.blank if col.blank else "暂无信息"}

    def _alias_index(self, host: str, path: str) -> None:
        self.pages[(host, path + "index.html")] = self.pages[(host, path)]

    def _render_home(self, plan: SitePlan) -> None:
        site = plan.site
        c = plan.cols
        blocks = [self._block(c["zwyw"], 8), self._block(c["gzdt"], 6),
                  self._block(c["tzgg"], 6), self._block(c["zcwj"], 6)]
        groups = []
        portal = self.plans[0].site
        if plan is self.plans[0]:
            counties = [(p.site.name, p.site.homepage) for p in self.plans[1:]
                        if p.site.kind == SiteKind.PORTAL]
            depts = [(p.site.name, p.site.homepage) for p in self.plans[1:]
                     if p.site.kind != SiteKind.PORTAL]
            if counties:
                groups.append({"name": "县市区政府网站", "links": counties})
            if depts:
                groups.append({"name": "市直部门网站", "links": depts})
        friends = [("中国政府网", origin("www.gov.cn", self.port) + "/"),
                   ("安徽省人民政府", origin("www.ah.gov.cn", self.port) + "/")]
        if plan is not self.plans[0]:
            friends.append((portal.name, portal.homepage))
        groups.append({"name": "友情链接", "links": friends})
        special = list(plan.home_links)
        if plan.trap:
            special.append(("活动日历", TRAP_PATH + f"?date={self.t:%Y-%m}"))
        if special:
            groups.insert(0, {"name": "专题专栏", "links": special})
        spam = []
        if plan.spam:
            spam = [(w, origin(h, self.port) + "/") for w, h in
                    zip(("永利娱乐", "体育投注", "真人娱乐"), SPAM_HOSTS, strict=True)]
        ctx = {"page_title": "", "metas": self._metas(plan, None, None, "首页"), "crumbs": [],
               "blocks": blocks, "columns": list(plan.cols.values()), "link_groups": groups,
               "spam": spam, "promo": plan.home_promo,
               "decoy_forms": bool(plan.search and plan.search.decoys)}
        self._emit(plan, "/", "home.html.j2", ctx)
        if plan.spam:
            entry = next(e for e in self.manifest
                         if e["kind"] == "hidden_spam_links" and e["site"] == site.code)
            html = self.pages[(site.host, "/")].text()
            start = html.index('<div style="display:none')
            end = html.index("</div>", start) + len("</div>")
            entry["text"] = html[start:end]
            entry["span"] = {"start": start, "end": end}
            entry["links"] = [u for _, u in spam]

    def _render_column(self, plan: SitePlan, col: Col) -> None:
        d = col.d
        sec_name = dict(SECTIONS)[d.section]
        siblings = [c for c in plan.cols.values() if c.d.section == d.section]
        crumbs = [(sec_name, f"/{d.section}/"), (col.name, None)]
        base = {"page_title": col.name, "crumbs": crumbs, "section": {"name": sec_name},
                "siblings": siblings, "column": col}
        if d.mode == "static":
            paras = self._static_text(plan, d.key)
            self._emit(plan, col.path, "article.html.j2", {
                **base, "metas": self._metas(plan, col, None), "title": col.name,
                "paragraphs": paras, **_EMPTY_ARTICLE})
            self._alias_index(plan.site.host, col.path)
            return
        if d.mode == "leaders":
            items = [{"title": f"{t}：{n}", "href": p, "date": ""} for t, n, p in plan.leaders]
            self._emit(plan, col.path, "list.html.j2", {
                **base, "metas": self._metas(plan, col, None), "items": items, "table": False,
                "empty_text": None, "pages": 1, "index": 0})
            self._alias_index(plan.site.host, col.path)
            for k, (title, name, path) in enumerate(plan.leaders):
                duty = "主持全面工作。" if k == 0 else f"负责{tx.TOPICS[k * 3]}、{tx.TOPICS[k * 3 + 1]}等方面工作。"
                self._emit(plan, path, "article.html.j2", {
                    **base, "metas": self._metas(plan, col, None), "title": f"{title}　{name}",
                    "crumbs": crumbs[:1] + [(col.name, col.path), (name, None)],
                    "paragraphs": [f"{name}，男，汉族，1972年5月生，研究生学历，中共党员。",
                                   f"现任{plan.spec.unit.replace('办公室', '')}{title}。",
                                   f"分管工作：{duty}"],
                    **_EMPTY_ARTICLE})
            return
        ordered = col.ordered()
        pages = max(1, -(-len(ordered) // PAGE_SIZE))
        for index in range(pages):
            chunk = ordered[index * PAGE_SIZE:(index + 1) * PAGE_SIZE]
            items = [{"title": i.title, "href": "./" + i.path[len(col.path):],
                      "date": f"{i.when:%Y-%m-%d}" if i.when else "", "status": i.status}
                     for i in chunk]
            path = col.path if index == 0 else f"{col.path}index_{index}.html"
            stats = (self._message_stats(plan, col) if d.mode == "messages" and index == 0
                     else {"stats": "", "stats_link": None})
            self._emit(plan, path, "list.html.j2", {
                **base, "metas": self._metas(plan, col, None), "items": items,
                "table": d.mode == "messages",
                "empty_text": col.blank if (not ordered and col.blank) else None,
                "pages": pages, "index": index, **stats})
        self._alias_index(plan.site.host, col.path)
        if d.mode == "messages" and ordered and plan.message_stats == "page":
            self._render_message_stats_page(plan, col)

    def _static_text(self, plan: SitePlan, key: str) -> list[str]:
        spec = plan.spec
        if key == "gkxx":
            if spec.kind == SiteKind.PORTAL:
                return [f"{spec.region if spec.region != '市直' else tx.CITY}位于{tx.PROVINCE}东部，"
                        "地处长江三角洲西缘，总面积1.35万平方公里，户籍人口455万人。",
                        "境内交通便利，京沪铁路、京沪高铁穿境而过，区位优势明显。"]
            return [f"{spec.unit}是{tx.CITY}人民政府工作部门，为正处级。",
                    "机关内设办公室、政策法规科、业务科等科室。"]
        if key == "jgzn":
            return ["主要职责：（一）贯彻执行国家、省有关法律法规和方针政策，拟订全市相关政策措施并组织实施。",
                    "（二）负责本行业领域的统筹规划和综合协调工作。",
                    f"机构设置：办公室、综合科、法规科。联系电话：{self._footer(plan)['phone']}；办公地址："
                    f"{self._footer(plan)['address']}；办公时间：工作日8:30—12:00，14:30—17:30。"]
        return [f"一、主动公开。{spec.unit}主动公开的政府信息通过本网站政府信息公开专栏发布。",
                "二、依申请公开。公民、法人或者其他组织可以通过网络、信函等方式提出申请。",
                f"三、工作机构。名称：{spec.unit}政务公开办公室；办公地址：{self._footer(plan)['address']}；"
                f"办公时间：工作日8:30—17:30；联系电话：{self._footer(plan)['phone']}；"
                f"传真号码：{self._footer(plan)['phone']}；互联网联系方式：{plan.site.homepage}。"]

    def _render_item(self, plan: SitePlan, col: Col, it: Item) -> None:
        d = col.d
        sec_name = dict(SECTIONS)[d.section]
        crumbs = [(sec_name, f"/{d.section}/"), (col.name, col.path), ("正文", None)]
        base = {"page_title": it.title, "crumbs": crumbs,
                "metas": self._metas(plan, col, it)}
        if d.mode in ("messages", "guides"):
            self._emit(plan, it.path, "message.html.j2",
                       {**base, "title": it.title, "rows": it.rows}, it.plants)
            return
        byline = None
        if it.when:
            byline = f"发布时间：{it.when:%Y-%m-%d %H:%M}　来源：{it.source}"
        else:
            byline = f"来源：{it.source}"
        related = [(t, urljoin(it.path, h)) for t, h in it.related]
        self._emit(plan, it.path, "article.html.j2", {
            **base, "title": it.title, "byline": byline, "info_table": it.info_table,
            "paragraphs": it.paragraphs, "images": it.images, "table": it.table,
            "signature": it.signature, "attachments": it.attachments, "related": related,
            "related_label": it.related_label, "links": it.links}, it.plants)

    # -- externals, traps ----------------------------------------------------------------
    def _render_externals(self) -> None:
        env = _env()
        for host, name in EXTERNAL_SITES:
            html = env.get_template("plain.html.j2").render(
                title=name, paragraphs=[f"欢迎访问{name}。"], links=[])
            self.pages[(host, "/")] = Page(html.encode("utf-8"))
        for host in SPAM_HOSTS:
            html = env.get_template("plain.html.j2").render(
                title="娱乐城", paragraphs=["注册即送彩金"], links=[])
            self.pages[(host, "/")] = Page(html.encode("utf-8"))

    def _trap_handler(self, plan: SitePlan):
        builder = self

        def handler(path: str, query: str) -> Page | None:
            if path != TRAP_PATH:
                return None
            ym = builder.t.strftime("%Y-%m")
            for part in query.split("&"):
                if part.startswith("date="):
                    ym = part[5:]
            try:
                year, month = (int(x) for x in ym.split("-"))
                if not (1 <= month <= 12 and 1 <= year <= 9999):
                    return None
            except ValueError:
                return None
            prev = f"{year - (month == 1):04d}-{12 if month == 1 else month - 1:02d}"
            nxt = f"{year + (month == 12):04d}-{1 if month == 12 else month + 1:02d}"
            weeks = [[d or "" for d in w] for w in calendar.monthcalendar(year, month)]
            return builder._render(plan, path, "calendar.html.j2", {
                "page_title": "活动日历", "metas": builder._metas(plan, None, None, "活动日历"),
                "crumbs": [("活动日历", None)], "year": year, "month": month, "prev": prev,
                "next": nxt, "weeks": weeks})

        return handler


def _chain(first, second):
    """Two dynamic handlers of one host: the first that answers."""
    if first is None:
        return second
    return lambda path, query: first(path, query) or second(path, query)


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
_EMPTY_ARTICLE = {"byline": None, "info_table": [], "images": [], "table": [],
                  "signature": None, "attachments": [], "related": [], "related_label": "",
                  "links": []}

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


def build_network(seed: int = 20220630, sites: int | None = None, scale: float = 1.0,
                  port: int = 80, faults: bool = True, t: datetime = T_DEFAULT,
                  https_port: int | None = None, ipv6: bool = False) -> Network:
    """Generate the demo network. Same arguments → byte-identical pages and manifest.

    ``ipv6``: give the sites AAAA records (``net.resolve6``) for the server's IPv6 loopback
    listener and plant the W-D29 kinds; only when the machine can bind ``::1``
    (``server.ipv6_loopback_available``)."""
    return _Builder(seed, sites, scale, port, faults, t, https_port, ipv6).build()
