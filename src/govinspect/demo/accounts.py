"""The new-media accounts of 示例市: 229 roster accounts (the seed's regional split), their
feeds on a fake feed bridge, the inspectors' workbook, the round's 转载任务 and the planted
problems (see docs/demo-network.md, "New media").

Pure apart from rendering bytes: ``build_accounts`` returns pages, manifest entries and the
files to write. It draws from its own ``random.Random`` (seeded from the network's seed), so
adding accounts leaves every site page of the network byte-identical. Accounts do not depend
on ``sites``/``scale``: a small network still carries all 229 (they cost a few milliseconds).
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import yaml

from govinspect.core.newmedia import SHANGHAI, AccountRef, InspectionRecord
from govinspect.core.roster import ACCOUNT_COLUMNS, Platform
from govinspect.demo.model import Page, origin
from govinspect.demo.roster import COUNTIES, DEPARTMENTS

FEED_HOST = "feeds.shishi-bridge.cn"  # a feed bridge (RSSHub-like); never a .gov.cn host
CITY_CODE = "341100"
# The seed's split (滁州 2022Q2): 市直 96, then the eight 县市区 in the order of COUNTIES.
REGION_COUNTS = [("市直", CITY_CODE, 96)] + [
    (name, code, n) for (name, _py, code), n in zip(COUNTIES, (15, 5, 21, 20, 21, 15, 12, 24),
                                                    strict=True)]
PLATFORM_CODES = {Platform.WECHAT_OA: "WX", Platform.WEIBO: "XL", Platform.WECHAT_CHANNELS: "SP",
                  Platform.WECHAT_MINI: "XC", Platform.DOUYIN: "DY"}
PLATFORM_WEIGHTS = [(Platform.WECHAT_OA, 45), (Platform.WEIBO, 20),
                    (Platform.WECHAT_CHANNELS, 15), (Platform.DOUYIN, 12),
                    (Platform.WECHAT_MINI, 8)]
FEED_PLATFORMS = (Platform.WECHAT_OA, Platform.WEIBO)  # the others come through the workbook

# County units: (unit name suffix, short used in account names).
COUNTY_UNITS = [("人民政府办公室", "发布"), ("公安局", "公安"), ("教育体育局", "教体"),
                ("人力资源和社会保障局", "人社"), ("卫生健康委员会", "卫健"),
                ("市场监督管理局", "市监"), ("融媒体中心", "融媒"), ("财政局", "财政"),
                ("住房和城乡建设局", "住建"), ("文化和旅游局", "文旅")]
CITY_EXTRA_UNITS = [("示例市人民政府办公室", "示例发布"), ("示例市公安局交通警察支队", "示例交警"),
                    ("示例市疾病预防控制中心", "示例疾控")]
NAME_SUFFIXES = ("", "发布", "在线", "服务", "之窗", "微视")

# The round's 转载任务 (the seed's 滁州 2022 set has NM-L1). Offsets are days before t.
TASKS = [
    {"title": "国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见",
     "source": "中国政府网", "issued": 12, "deadline": 5},
    {"title": "安徽省防汛抗旱指挥部关于切实做好当前防汛救灾工作的通知",
     "source": "安徽省人民政府", "issued": 9, "deadline": 3},
]
SERIOUS = ["习近平新时期中国特色社会主义思想", "人类共同命运体", "人类命运共通体"]
UNRELATED_TITLES = [
    "今日天气：多云转晴，注意防晒", "夏日养生小常识，收藏起来慢慢看", "周末好去处推荐",
    "一组照片带你看家乡美景", "端午节快乐", "每日一句：心怀希望，步履不停", "一起来看晚霞",
    "这些家常菜做法简单又好吃", "萌宠日常合集", "今天你运动了吗", "夏至到了，白昼最长",
    "城市夜景美如画", "荷花盛开正当时", "雨后彩虹美翻了", "读书分享：好书推荐",
]
GENERIC_TITLES = [
    "{unit}召开专题会议部署近期重点工作", "{unit}开展主题党日活动", "{unit}召开党风廉政建设工作会议",
    "{unit}传达学习上级会议精神", "{unit}组织开展业务培训", "{unit}开展志愿服务活动",
    "{unit}召开上半年工作总结会", "{unit}开展“我为群众办实事”实践活动",
]
RELATED_TITLES = [
    "{unit}扎实推进{cue}工作", "关于{cue}有关事项的提醒", "{cue}政策问答来了",
    "{unit}召开{cue}工作推进会", "{cue}：这些要点请收好", "{unit}开展{cue}专项行动",
]
UNFILED_FOUND = [  # found by inspectors, in no roster
    (Platform.DOUYIN, "东湖城管执法小助手", "东湖区城市管理局"),
    (Platform.WECHAT_CHANNELS, "青山乡村振兴号", "青山县乡村振兴局"),
    (Platform.WECHAT_OA, "安平县老年大学", "安平县老干部局"),
]
MISMATCH_SUBJECT = "示例星辰文化传媒有限公司"  # an outsourced operator certified instead


@dataclass
class DemoAccount:
    code: str
    platform: Platform
    name: str
    certified_subject: str
    unit: str
    region: str
    filed: bool = True
    status: str = "active"  # active | stale | stale_7d | zombie
    last_post: datetime | None = None
    feed_url: str = ""
    feed_format: str = ""  # rss | atom | jsonfeed | weibo
    profile_url: str = ""
    posts: list[dict] = field(default_factory=list)

    @property
    def ref(self) -> AccountRef:
        return AccountRef(self.code, self.platform, self.name, self.certified_subject,
                          self.filed, self.unit, self.region)

    def as_dict(self) -> dict:
        return {"code": self.code, "platform": self.platform.value, "name": self.name,
                "certified_subject": self.certified_subject, "unit": self.unit,
                "region": self.region, "filed": self.filed, "status": self.status,
                "last_post": self.last_post.isoformat() if self.last_post else None,
                "feed_url": self.feed_url, "feed_format": self.feed_format,
                "profile_url": self.profile_url}


@dataclass
class AccountsBuild:
    accounts: list[DemoAccount]
    pages: dict[tuple[str, str], Page]
    manifest: list[dict]
    files: dict[str, bytes]  # file name in the network folder → bytes


def _units(region: str) -> list[tuple[str, str]]:
    if region == "市直":
        depts = [(f"示例市{unit}", "示例" + short.removeprefix("市")) for unit, short, _ in DEPARTMENTS]
        return CITY_EXTRA_UNITS[:1] + depts + CITY_EXTRA_UNITS[1:]
    stem = region[:-1]
    return [(f"{region}{suffix}", stem + short) for suffix, short in COUNTY_UNITS]


def _kind(ref: AccountRef) -> tuple[str, tuple[str, ...]]:
    from govinspect.rules.newmedia import config, unit_kind

    kind = unit_kind(ref)
    cues = config()["kinds"][kind].get("cues") or () if kind else ()
    return kind, tuple(str(c) for c in cues)  # YAML reads 110 as a number


class _AccountsBuilder:
    def __init__(self, seed: int, t: datetime, port: int, ip: str) -> None:
        self.rng = random.Random(f"govinspect-demo-accounts-{seed}")
        self.t, self.port, self.ip = t, port, ip
        self.manifest: list[dict] = []
        self.pages: dict[tuple[str, str], Page] = {}
        self.weibo_uids = 0

    def url(self, path: str) -> str:
        return origin(FEED_HOST, self.port) + path

    # -- roster ------------------------------------------------------------------------
    def roster(self) -> list[DemoAccount]:
        rng, out, names = self.rng, [], set()
        platforms, weights = zip(*PLATFORM_WEIGHTS, strict=True)
        for region, code, n in REGION_COUNTS:
            units = _units(region)
            seq: dict[str, int] = {}
            for i in range(n):
                unit_index = i % len(units)
                unit, short = units[unit_index]
                platform = rng.choices(platforms, weights)[0]
                name = next(short + s for s in NAME_SUFFIXES if (platform, short + s) not in names)
                names.add((platform, name))
                pc = PLATFORM_CODES[platform]
                seq[pc] = seq.get(pc, 0) + 1
                acc = DemoAccount(code=f"{code}M{unit_index + 1:03d}{pc}{seq[pc]:04d}",
                                  platform=platform, name=name, certified_subject=unit,
                                  unit=unit, region=region)
                acc.profile_url = self.url(f"/profile/{acc.code}.html")
                out.append(acc)
        return out

    # -- problems ----------------------------------------------------------------------
    def plan(self, accounts: list[DemoAccount]) -> dict[str, list[DemoAccount]]:
        """Which accounts carry which planted problem (disjoint, fixed order)."""
        rng = self.rng
        feed = [a for a in accounts if a.platform in FEED_PLATFORMS]
        hand = [a for a in accounts if a.platform not in FEED_PLATFORMS]
        rng.shuffle(feed)
        rng.shuffle(hand)
        task_text = "".join(t["title"] for t in TASKS)

        def clean_kind(a: DemoAccount) -> bool:
            cues = _kind(a.ref)[1]
            return bool(cues) and not any(c in task_text for c in cues)

        relevance = [a for a in feed if clean_kind(a)][:4]
        rest = [a for a in feed if a not in relevance]
        plan = {
            "low_relevance": relevance,
            "stale": rest[0:5] + hand[0:5],
            "stale_7d": rest[5:8] + hand[5:8],
            "zombie": rest[8:10] + hand[8:10],
            "repost_missed": rest[10:15],
            "serious": rest[15:18],
            "mismatch": rest[18:20],
            "unfiled_filed_false": rest[20:21],
            "no_interaction": hand[10:14] + [a for a in rest[21:]
                                             if a.platform == Platform.WECHAT_OA][:2],
        }
        wechat = [a for a in rest[21:] if a.platform == Platform.WECHAT_OA]
        plan["menus"] = wechat[:30]  # accounts with a menu record; problems on the first 5
        return plan

    # -- posts ---------------------------------------------------------------------------
    def posts_for(self, a: DemoAccount, *, unrelated: bool, skip_tasks: set[int],
                  serious: str | None) -> None:
        rng, t = self.rng, self.t
        offsets = {"active": (0.1, 4), "stale": (16, 60), "stale_7d": (8, 13),
                   "zombie": (100, 300)}[a.status]
        last = t - timedelta(days=rng.uniform(*offsets))
        last = last.replace(microsecond=0, second=0)
        a.last_post = last
        kind_cues = _kind(a.ref)[1]
        unit_short = a.name
        times, when = [], last
        while len(times) < 8 or when > last - timedelta(days=45):
            times.append(when)
            when -= timedelta(days=rng.uniform(0.5, 3))
            when = when.replace(second=0, microsecond=0)
            if len(times) >= 30:
                break
        posts = []
        for i, when in enumerate(times):
            if unrelated:
                title = UNRELATED_TITLES[(i + rng.randrange(3)) % len(UNRELATED_TITLES)]
                assert not any(c in title for c in kind_cues), (a.code, title)
            elif kind_cues and (i == 0 or i % 5 not in (2, 4)):
                title = rng.choice(RELATED_TITLES).format(unit=unit_short, cue=rng.choice(kind_cues))
            else:
                title = rng.choice(GENERIC_TITLES).format(unit=unit_short)
            posts.append({"title": title, "when": when, "repost_of": ""})
        for n, task in enumerate(TASKS):
            issued = t - timedelta(days=task["issued"])
            deadline = t - timedelta(days=task["deadline"])
            if n in skip_tasks or last < issued:
                continue
            end = min(deadline, last)
            at = issued + (end - issued) * rng.uniform(0.2, 0.9)
            title = rng.choice(["{}", "【转载】{}", "{}（全文）", "重磅！{}"]).format(task["title"])
            posts.append({"title": title, "when": at.replace(microsecond=0, second=0),
                          "repost_of": task["source"], "task": n})
        if serious:
            target = posts[1] if len(posts) > 1 else posts[0]
            target["title"] = f"{unit_short}干部职工深入学习{serious}"
            target["serious"] = serious
        posts.sort(key=lambda p: p["when"], reverse=True)
        for i, p in enumerate(posts):
            p["id"] = f"{a.code.lower()}{i:03d}"
        a.posts = posts

    # -- feeds ---------------------------------------------------------------------------
    def render_feed(self, a: DemoAccount, fmt: str) -> None:
        a.feed_format = fmt
        if fmt == "weibo":
            self.weibo_uids += 1  # unique per account; the digits look like a real uid
            uid = str(5_000_000_000 + self.weibo_uids * 7919 + self.rng.randrange(7000))
            path = f"/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"
            a.feed_url = self.url("/weibo" + path)
            cards = []
            for p in a.posts:
                mblog = {"id": p["id"], "bid": p["id"],
                         "created_at": p["when"].astimezone(SHANGHAI).strftime(
                             "%a %b %d %H:%M:%S +0800 %Y"),
                         "text": f"【{p['title']}】欢迎关注，详情见链接。",
                         "user": {"id": int(uid), "screen_name": a.name}}
                if p["repost_of"]:
                    mblog["text"] = "转发微博"
                    mblog["retweeted_status"] = {
                        "id": p["id"] + "r", "text": f"【{p['title']}】详见原文。",
                        "user": {"screen_name": p["repost_of"]}}
                cards.append({"card_type": 9, "mblog": mblog})
            body = json.dumps({"ok": 1, "data": {"cardlistInfo": {"containerid": f"107603{uid}"},
                                                 "cards": cards}}, ensure_ascii=False)
            self.pages[(FEED_HOST, "/weibo" + path)] = Page(
                body.encode("utf-8"), "application/json; charset=utf-8")
            return
        slug = f"gh_{a.code.lower()}"
        ext = {"rss": "xml", "atom": "atom", "jsonfeed": "json"}[fmt]
        path = f"/wechat/{slug}.{ext}"
        a.feed_url = self.url(path)
        items = [(p, f"https://mp.weixin.qq.com/s/{p['id']}") for p in a.posts]
        if fmt == "jsonfeed":
            doc = {"version": "https://jsonfeed.org/version/1.1", "title": a.name,
                   "home_page_url": f"https://mp.weixin.qq.com/{slug}", "feed_url": a.feed_url,
                   "items": [{"id": link, "url": link, "title": p["title"],
                              "content_text": p["title"] + "。" + (
                                  f"来源：{p['repost_of']}" if p["repost_of"] else ""),
                              "date_published": p["when"].astimezone(SHANGHAI).isoformat()}
                             for p, link in items]}
            body, ctype = json.dumps(doc, ensure_ascii=False), "application/feed+json"
        elif fmt == "rss":
            parts = [f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
                     f"<title>{escape(a.name)}</title><link>https://mp.weixin.qq.com/{slug}</link>"
                     f"<description>{escape(a.certified_subject)}</description>"]
            for p, link in items:
                parts.append(f"<item><title>{escape(p['title'])}</title><link>{link}</link>"
                             f"<guid>{link}</guid><pubDate>{format_datetime(p['when'])}</pubDate>"
                             f"<description>{escape(p['title'])}</description></item>")
            body, ctype = "".join(parts) + "</channel></rss>", "application/rss+xml; charset=utf-8"
        else:
            parts = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                     "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                     f"<title>{escape(a.name)}</title><id>{a.feed_url}</id>"
                     f"<updated>{a.posts[0]['when'].isoformat()}</updated>"]
            for p, link in items:
                parts.append(f"<entry><title>{escape(p['title'])}</title><link href=\"{link}\"/>"
                             f"<id>{link}</id><published>{p['when'].isoformat()}</published>"
                             f"<updated>{p['when'].isoformat()}</updated>"
                             f"<summary>{escape(p['title'])}</summary></entry>")
            body, ctype = "".join(parts) + "</feed>", "application/atom+xml; charset=utf-8"
        self.pages[(FEED_HOST, path)] = Page(body.encode("utf-8"), ctype)

    def profile(self, url_path: str, name: str, platform: str, subject: str) -> None:
        html = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(name)}</title>"
                f"</head><body><h1>{escape(name)}</h1><p>平台：{escape(platform)}</p>"
                f"<p>认证主体：{escape(subject)}</p></body></html>")
        self.pages[(FEED_HOST, url_path)] = Page(html.encode("utf-8"))

    def entry(self, kind: str, indicator: str, subject: str, url: str, **extra) -> None:
        e = {"kind": kind, "indicator": indicator, "site": subject, "subject": subject,
             "subject_kind": "account", "url": url}
        e.update(extra)
        self.manifest.append(e)

    # -- everything --------------------------------------------------------------------
    def build(self) -> AccountsBuild:
        t, rng = self.t, self.rng
        accounts = self.roster()
        plan = self.plan(accounts)
        for a in plan["stale"]:
            a.status = "stale"
        for a in plan["stale_7d"]:
            a.status = "stale_7d"
        for a in plan["zombie"]:
            a.status = "zombie"
        for a in plan["unfiled_filed_false"]:
            a.filed = False
        missed = {a.code: {i % len(TASKS)} for i, a in enumerate(plan["repost_missed"])}
        serious = {a.code: SERIOUS[i] for i, a in enumerate(plan["serious"])}
        unrelated = {a.code for a in plan["low_relevance"]}
        formats = ["rss", "atom", "jsonfeed"]
        for a in accounts:
            self.profile(f"/profile/{a.code}.html", a.name, a.platform.value,
                         a.certified_subject)
            if a.platform in FEED_PLATFORMS:
                self.posts_for(a, unrelated=a.code in unrelated,
                               skip_tasks=missed.get(a.code, set()), serious=serious.get(a.code))
                self.render_feed(a, "weibo" if a.platform == Platform.WEIBO
                                 else formats[int(a.code[-4:]) % 3])
            else:
                offsets = {"active": (0.1, 4), "stale": (16, 60), "stale_7d": (8, 13),
                           "zombie": (100, 300)}[a.status]
                a.last_post = (t - timedelta(days=rng.uniform(*offsets))).replace(
                    second=0, microsecond=0)

        # the inspectors' workbook
        account_rows: list[list[str]] = []
        menu_rows: list[list[str]] = []
        no_interaction = {a.code for a in plan["no_interaction"]}
        checked = (t - timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
        for a in accounts:
            if a.platform in FEED_PLATFORMS and a.code not in no_interaction \
                    and a not in plan["menus"]:
                continue
            last = a.last_post.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") \
                if a.platform not in FEED_PLATFORMS else ""
            account_rows.append([a.code, a.platform.value, a.name, a.certified_subject, last,
                                 "否" if a.code in no_interaction else "是", checked,
                                 a.profile_url, ""])
        for i, a in enumerate(plan["menus"]):
            menus = [("办事服务", (t - timedelta(days=rng.randint(3, 200))).strftime("%Y-%m-%d"), "有"),
                     ("政务公开—通知公告", (t - timedelta(days=rng.randint(3, 200))).strftime("%Y-%m"),
                      "有")]
            if i < 3:
                menus.append(("专题专栏—" + ("防汛抗旱", "创文创卫", "扫黑除恶")[i],
                              ("2020", "2020-05", "2021-03")[i], "有"))
            elif i < 5:
                menus.append(("便民查询—" + ("公积金查询", "违章查询")[i - 3], "", "无"))
            for k, (name, when, has) in enumerate(menus):
                menu_rows.append([a.code, a.platform.value, a.name, name, when, has, "", ""])
                if k == 2 and i < 5:  # the planted third menu
                    self.entry("nm_menu_empty" if has == "无" else "nm_menu_stale", "NM-D2",
                               a.code, a.profile_url, menu=name, last_updated=when or None)
        found: list[tuple[Platform, str, str, str]] = []
        for a in plan["mismatch"]:
            found.append((a.platform, a.name, MISMATCH_SUBJECT, a.code))
        for a in plan["unfiled_filed_false"]:
            found.append((a.platform, a.name, a.certified_subject, a.code))
        for j, (platform, name, subject) in enumerate(UNFILED_FOUND):
            path = f"/found/{j + 1}.html"
            self.profile(path, name, platform.value, subject)
            found.append((platform, name, subject, ""))
        for platform, name, subject, _code in found:
            account_rows.append(["", platform.value, name, subject,
                                 (t - timedelta(days=3)).strftime("%Y-%m-%d"), "是", checked, "",
                                 "检查中搜索发现"])

        # ground truth, derived from what was generated
        registry = [a.ref for a in accounts]
        from govinspect.rules.newmedia import match_registry

        for j, (platform, name, subject) in enumerate(UNFILED_FOUND):
            entry, _ = match_registry(InspectionRecord(platform, name, certified_subject=subject),
                                      registry)
            if entry is not None:  # the generator's guard: a found account must be new
                raise AssertionError(f"found account {name} resembles {entry.name}")
            self.entry("nm_unfiled", "NM-D4", name, self.url(f"/found/{j + 1}.html"),
                       name=name, platform=platform.value, certified_subject=subject,
                       in_roster=False)
        for a in plan["unfiled_filed_false"]:
            self.entry("nm_unfiled", "NM-D4", a.code, a.profile_url, name=a.name,
                       platform=a.platform.value, in_roster=True)
        for a in plan["mismatch"]:
            self.entry("nm_subject_mismatch", "NM-D4", a.code, a.profile_url,
                       filed=a.certified_subject, found=MISMATCH_SUBJECT)
        for a in accounts:
            url = a.feed_url or a.profile_url
            age = t - a.last_post
            last = a.last_post.isoformat()
            if age > timedelta(days=14):
                self.entry("nm_not_updated", "NM-V2", a.code, url, last_post=last,
                           sets=["national-2019", "chuzhou-2022"])
            elif age > timedelta(days=7):
                # not stale under national-2019 (the demo's set): a look-alike there
                self.entry("nm_not_updated_7d", "NM-V2", a.code, url, last_post=last,
                           sets=["chuzhou-2022"], negative=True)
            if a.last_post < t - timedelta(days=92):
                self.entry("nm_zombie", "NM-D4", a.code, url, last_post=last)
            if a.code in no_interaction:
                self.entry("nm_no_interaction", "NM-V3", a.code, a.profile_url)
            if a.code in unrelated:
                self.entry("nm_low_relevance", "NM-D3", a.code, url)
            for p in a.posts:
                if p.get("serious"):
                    self.entry("nm_serious_error", "NM-V1", a.code, url, text=p["serious"],
                               post_id=p["id"], title=p["title"])
            if a.platform in FEED_PLATFORMS:
                for n, task in enumerate(TASKS):
                    deadline = t - timedelta(days=task["deadline"])
                    if not any(p.get("task") == n and p["when"] <= deadline for p in a.posts):
                        self.entry("nm_repost_missed", "NM-L1", a.code, url, task=task["title"],
                                   planted=a.code in missed, sets=["chuzhou-2022"])
        return AccountsBuild(accounts, self.pages, self.manifest,
                             self.files(accounts, account_rows, menu_rows))

    # -- files -----------------------------------------------------------------------------
    def files(self, accounts, account_rows, menu_rows) -> dict[str, bytes]:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.header for c in ACCOUNT_COLUMNS])
        for a in accounts:
            w.writerow([a.code, a.platform.value, a.name, a.certified_subject,
                        "是" if a.filed else "否", a.unit, a.region])
        sources = io.StringIO()
        s = csv.writer(sources, lineterminator="\n")
        s.writerow(["账号标识码", "采集方式", "地址"])
        for a in accounts:
            if a.feed_url:
                s.writerow([a.code, "weibo" if a.feed_format == "weibo" else "feed", a.feed_url])
        tasks = {"tasks": [{"title": task["title"], "source": task["source"],
                            "issued": (self.t - timedelta(days=task["issued"])).isoformat(),
                            "deadline": (self.t - timedelta(days=task["deadline"])).isoformat(),
                            "platforms": [p.value for p in FEED_PLATFORMS]} for task in TASKS]}
        return {"accounts.csv": buf.getvalue().encode("utf-8"),
                "account_sources.csv": sources.getvalue().encode("utf-8"),
                "repost_tasks.yaml": yaml.safe_dump(tasks, allow_unicode=True,
                                                    sort_keys=False).encode("utf-8"),
                "inspection.xlsx": inspection_xlsx(account_rows, menu_rows)}


def inspection_xlsx(account_rows: list[list[str]], menu_rows: list[list[str]]) -> bytes:
    """The inspectors' workbook in the import format of ``collect.newmedia.inspection``."""
    from openpyxl import Workbook

    from govinspect.collect.newmedia.inspection import (
        ACCOUNT_COLUMNS as RECORD_COLUMNS,
    )
    from govinspect.collect.newmedia.inspection import (
        ACCOUNT_SHEET,
        MENU_COLUMNS,
        MENU_SHEET,
    )

    wb = Workbook()
    ws = wb.active
    ws.title = ACCOUNT_SHEET
    ws.append([c.header for c in RECORD_COLUMNS])
    for row in account_rows:
        ws.append(row)
    ws2 = wb.create_sheet(MENU_SHEET)
    ws2.append([c.header for c in MENU_COLUMNS])
    for row in menu_rows:
        ws2.append(row)
    wb.properties.created = wb.properties.modified = datetime(2022, 6, 30)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_accounts(seed: int, t: datetime, port: int, ip: str) -> AccountsBuild:
    """The accounts of 示例市 for a network of ``seed`` at reference time ``t``; the feed
    host is served on ``ip``."""
    return _AccountsBuilder(seed, t, port, ip).build()
