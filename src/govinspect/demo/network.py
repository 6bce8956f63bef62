"""Generate the demo network: the fictional city 示例市 with exact ground truth.

``build_network`` is deterministic: same seed, sites, scale, port, https_port, ipv6, faults and
*t* → the same bytes for every page and the same manifest (TLS keys, when there is TLS, are
not). All randomness comes from seeded ``random.Random`` streams consumed in a fixed order
(never iterate over sets here).

Generation runs in steps: *plan* each site (columns, items with dates), *plant* the problems
(the kind plugins of ``demo.kinds``, in registry order; a column plant runs before the items
are generated) and *render* (Jinja2 templates → bytes). Text problems are placed in known
paragraphs while planting and located in the rendered HTML afterwards, so manifest offsets
are exact. The plan structures and the planting toolkit are in ``demo.plan``.
"""

from __future__ import annotations

import calendar
import random
from datetime import datetime, timedelta
from urllib.parse import quote, urljoin

from govinspect.core.types import SiteKind
from govinspect.demo import attachments as att
from govinspect.demo import kinds
from govinspect.demo import search as srch
from govinspect.demo import text as tx
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.kinds.spam import links as spam_links
from govinspect.demo.model import (
    DemoSite,
    Network,
    Page,
    SiteTransport,
    origin,
)
from govinspect.demo.plan import (
    COLUMNS,
    CST,
    FRESH,
    GUIDE_ARTICLES,
    GUIDE_ELEMENTS,
    MESSAGE_STATS_PAGE,
    PAGE_SIZE,
    SECTIONS,
    STALE,
    TRAP_PATH,
    Col,
    DemoError,
    Item,
    PlanBuilder,
    Plant,
    SitePlan,
    col_path,
    env,
    id_check_char,  # noqa: F401 (re-exported: callers import it here)
)
from govinspect.demo.roster import (
    EXTERNAL_SITES,
    SPAM_HOSTS,
    SiteSpec,
    all_specs,
)

T_DEFAULT = datetime(2022, 6, 30, 17, 0, tzinfo=CST)
MAX_SITES = len(all_specs())
LOCAL_LEADERS_FILE = "lexicons/local-leaders.yaml"  # in the network folder, for WORKSPACE/lexicons


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


# -- the builder -------------------------------------------------------------------------

class _Builder(PlanBuilder):
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
        super().__init__(seed, scale, port, faults, t, https_port, ipv6,
                         all_specs()[: sites or MAX_SITES])
        self.net_sites: list[DemoSite] = []

    def _run(self, hook: str, plugins: tuple[KindPlugin, ...], streams: dict) -> None:
        """Run one hook of every plugin that has it, in registry order."""
        for p in plugins:
            fn = getattr(p, hook)
            if fn is not None:
                with self.planting(p.name, p.kinds):
                    fn(self, streams[p.name])

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
        self.free_ip = ip
        self._assign_site_traits()
        self._assign_transport()
        for i, site in enumerate(self.net_sites):
            self.plans.append(self._plan_site(self.specs[i], site))
        # The planted kinds (demo.kinds): each plugin's hooks in registry order; the shared
        # stream's plugins first, so the order of its draws is that of the first releases.
        plugins = kinds.PLUGINS
        streams = {p.name: p.rng(self) for p in plugins}
        self._run("before_items", plugins, streams)
        for plan in self.plans:
            self._plan_items(plan)
        self._run("plant", plugins, streams)
        for plan in self.plans:
            self._render_site(plan)
        self._render_externals()
        self._run("after_render", plugins, streams)
        sites = [p.site for p in self.plans]
        net = Network(
            seed=self.seed, port=self.port, t=self.t.isoformat(), sites=sites,
            pages=self.pages, manifest=self.manifest, resolve=self.resolve,
            slow_hosts=self.slow_hosts, flaky=self.flaky,
            catch_all_hosts=frozenset(h for h, _ in EXTERNAL_SITES) | frozenset(SPAM_HOSTS),
            accounts=self.accounts,
            files={**self.files, LOCAL_LEADERS_FILE: self._local_leaders_yaml()},
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
            cols[c.key] = Col(c, name, col_path(c))
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
            self.attach(plan, it, "xls" if year == 2017 else "xlsx",
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
                self.image(plan, it, title)
        elif key == "tzgg":
            it = self._new_item(plan, col, tx.notice_title(rng, top, when.year), when)
            it.paragraphs = tx.official_paragraphs(rng, top, rng.randint(2, 4))
            it.signature = (spec.unit, f"{when.year}年{when.month}月{when.day}日")
            if rng.random() < 0.25:
                self.attach(plan, it, rng.choice(["docx", "pdf"]), f"{top}工作报名表",
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
                self.attach(plan, it, rng.choice(["pdf", "docx"]), doc_name.strip("《》"),
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
                self.attach(plan, it, "xls", f"{m.year}年{m.month}月办件统计表",
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
            it.rows = [(k, values[k]) for k in GUIDE_ELEMENTS]
            col.items.append(it)

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
        html = env().get_template(template).render(
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
        spam = spam_links(self) if plan.spam else []  # kinds.spam locates them afterwards
        ctx = {"page_title": "", "metas": self._metas(plan, None, None, "首页"), "crumbs": [],
               "blocks": blocks, "columns": list(plan.cols.values()), "link_groups": groups,
               "spam": spam, "promo": plan.home_promo,
               "decoy_forms": bool(plan.search and plan.search.decoys)}
        self._emit(plan, "/", "home.html.j2", ctx)

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
        jenv = env()
        for host, name in EXTERNAL_SITES:
            html = jenv.get_template("plain.html.j2").render(
                title=name, paragraphs=[f"欢迎访问{name}。"], links=[])
            self.pages[(host, "/")] = Page(html.encode("utf-8"))
        for host in SPAM_HOSTS:
            html = jenv.get_template("plain.html.j2").render(
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


_EMPTY_ARTICLE = {"byline": None, "info_table": [], "images": [], "table": [],
                  "signature": None, "attachments": [], "related": [], "related_label": "",
                  "links": []}


def build_network(seed: int = 20220630, sites: int | None = None, scale: float = 1.0,
                  port: int = 80, faults: bool = True, t: datetime = T_DEFAULT,
                  https_port: int | None = None, ipv6: bool = False) -> Network:
    """Generate the demo network. Same arguments → byte-identical pages and manifest.

    ``ipv6``: give the sites AAAA records (``net.resolve6``) for the server's IPv6 loopback
    listener and plant the W-D29 kinds; only when the machine can bind ``::1``
    (``server.ipv6_loopback_available``)."""
    return _Builder(seed, sites, scale, port, faults, t, https_port, ipv6).build()
