"""New-media rules over posts read from the recorded fixtures and over inspectors' records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govinspect.collect.newmedia.feeds import parse_feed
from govinspect.collect.newmedia.weibo import parse_weibo_json
from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.newmedia import (
    SHANGHAI,
    AccountFacts,
    AccountRef,
    InspectionRecord,
    Menu,
    Post,
    Precision,
    facts_from_posts,
)
from govinspect.core.roster import Platform
from govinspect.core.types import Confidence
from govinspect.indicators.engine import score_account
from govinspect.rules import newmedia as nm
from govinspect.rules.base import all_rules

FIXTURES = Path(__file__).parent / "fixtures"


def cst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


CAPTURE = cst(2022, 6, 28, 15, 0)
T = cst(2022, 6, 30, 0, 0)  # reference time of the round (滁州 checked 6-23 … 6-30)

ZHIAN = AccountRef("341100M007XL0002", Platform.WEIBO, "滁州治安在线",
                   "滁州市公安局治安管理支队", unit="滁州市公安局")
JIAOJING = AccountRef("341100M007XL0010", Platform.WEIBO, "滁州交警", "滁州市公安局交通警察支队")
JIKONG = AccountRef("341100M054WX0001", Platform.WECHAT_OA, "滁州疾控", "滁州市疾病预防控制中心")
RENSHE = AccountRef("341100M043WX0001", Platform.WECHAT_OA, "滁州人社", "滁州市人力资源和社会保障局")


def weibo(name: str, account: AccountRef, captured=CAPTURE) -> AccountFacts:
    posts = parse_weibo_json((FIXTURES / name).read_bytes(), captured)
    return facts_from_posts(account, posts, captured)


def feed(name: str, account: AccountRef) -> AccountFacts:
    return facts_from_posts(account, parse_feed((FIXTURES / name).read_bytes()), CAPTURE)


def post(title: str, when: dt.datetime | None, text: str = "", **kw) -> Post:
    return Post(platform=kw.pop("platform", Platform.WEIBO), account_name="x", title=title,
                text=text, published_at=when, **kw)


# --- NM-V2 ---------------------------------------------------------------------------------

def test_window_keys_from_the_indicator_sets():
    assert nm.window_days("chuzhou-2022") == 7
    assert nm.window_days("national-2019") == 14
    assert nm.window_days(None) == 14


def test_not_updated_for_a_week_under_chuzhou_but_fine_nationally():
    facts = weibo("weibo_getindex_absolute.json", ZHIAN)  # last post 2022-06-20 16:05
    findings = nm.check_not_updated([facts], T, "chuzhou-2022")
    assert [(f.indicator_id, f.subject) for f in findings] == [("NM-V2", "341100M007XL0002")]
    assert findings[0].message == "“滁州治安在线”新浪微博最后一次更新为2022年6月20日，超过一周未更新"
    assert nm.check_not_updated([facts], T, "national-2019") == []
    result = score_account(ZHIAN.code, findings, load_indicator_set("chuzhou-2022"))
    assert result.result == "不合格" and result.vetoes[0].sentence == "超过一周未更新"


def test_pinned_old_post_and_posts_after_t_do_not_hide_staleness():
    facts = AccountFacts(ZHIAN, posts=(
        post("置顶通告", cst(2022, 4, 12), pinned=True),
        post("检查结束后才发的", cst(2022, 7, 2)),
        post("无日期", None),
    ))
    findings = nm.check_not_updated([facts], T, "national-2019")
    assert "2022年4月12日" in findings[0].message


def test_a_day_precision_post_counts_until_the_end_of_its_day():
    # "06-23" on the mobile site: 7 days before T is 06-23 00:00; the post may be later that day.
    facts = AccountFacts(ZHIAN, posts=(post("a", cst(2022, 6, 23), precision=Precision.DAY),))
    assert nm.check_not_updated([facts], T, "chuzhou-2022") == []
    facts = AccountFacts(ZHIAN, posts=(post("a", cst(2022, 6, 22), precision=Precision.DAY),))
    assert len(nm.check_not_updated([facts], T, "chuzhou-2022")) == 1


def test_hand_recorded_last_post_and_unknown_accounts():
    recorded = AccountFacts(JIKONG, last_post=cst(2022, 6, 10, 9, 0),
                            last_post_precision=Precision.MINUTE)
    unknown = AccountFacts(RENSHE)
    findings = nm.check_not_updated([recorded, unknown], T, "national-2019")
    assert [f.subject for f in findings] == [JIKONG.code]
    assert "“滁州疾控”微信订阅号" in findings[0].message


# --- NM-V3 ---------------------------------------------------------------------------------

def test_interaction():
    findings = nm.check_interaction([
        AccountFacts(JIKONG, interaction=False, notes="留言功能未开通"),
        AccountFacts(RENSHE, interaction=True),
        AccountFacts(ZHIAN, interaction=None),
    ])
    assert [(f.indicator_id, f.subject, f.message) for f in findings] == [
        ("NM-V3", JIKONG.code, "“滁州疾控”微信订阅号未提供有效互动功能")]


# --- NM-V1 ---------------------------------------------------------------------------------

def test_serious_error_in_a_post_is_a_suspected_veto():
    bad = post("深入学习贯彻习近平新时期中国特色社会主义思想", cst(2022, 6, 27),
               "市局召开党委理论学习中心组学习会。", url="https://m.weibo.cn/status/Lx1")
    good = post("深入学习贯彻习近平新时代中国特色社会主义思想", cst(2022, 6, 27))
    findings = nm.check_serious_errors([AccountFacts(ZHIAN, posts=(bad, good))], T)
    assert len(findings) == 1
    f = findings[0]
    assert (f.indicator_id, f.item, f.confidence) == ("NM-V1", "serious_error",
                                                      Confidence.SUSPECTED)
    assert f.subject == ZHIAN.code and f.evidence.url == "https://m.weibo.cn/status/Lx1"
    assert f.message.startswith("“滁州治安在线”新浪微博发布的《深入学习贯彻")
    ctx = f.evidence.context[f.evidence.span.start:f.evidence.span.end]
    assert "新时期" in ctx


# --- NM-L1 转载任务 ---------------------------------------------------------------------------

TASK = nm.RepostTask(
    title="国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见",
    source="中国政府网", deadline=cst(2022, 6, 26, 23, 59), issued=cst(2022, 6, 24, 9, 0))


def test_title_similarity():
    assert nm.title_similarity(TASK.title, "国务院办公厅：进一步优化营商环境 降低市场主体制度性交易成本") >= 0.6
    assert nm.title_similarity(TASK.title, "【转载】" + TASK.title) == 1.0
    assert nm.title_similarity(TASK.title, "转发微博", "//【" + TASK.title + "】") == 1.0
    assert nm.title_similarity(TASK.title, "滁州交警提醒：雨天出行注意安全") < 0.3
    assert nm.title_similarity(TASK.title, "营商环境") < 0.6  # a fragment is not the article


def test_repost_tasks_across_sources():
    jiaojing = weibo("weibo_getindex_relative.json", JIAOJING)  # retweeted 06-25
    jikong = feed("wechat_rsshub.xml", JIKONG)  # published it 06-25
    renshe = feed("wechat_atom.xml", RENSHE)  # did not
    findings = nm.check_repost_tasks([jiaojing, jikong, renshe], [TASK], T)
    assert [(f.indicator_id, f.subject, f.item) for f in findings] == [
        ("NM-L1", RENSHE.code, "not_reposted")]
    assert findings[0].message == (
        "“滁州人社”微信订阅号未落实信息转载任务：未转载《国务院办公厅关于进一步优化营商环境降低"
        "市场主体制度性交易成本的意见》（来源：中国政府网）（要求2022年6月26日前转载）")
    assert findings[0].confidence is Confidence.SUSPECTED


def test_late_repost_and_tasks_not_yet_due_or_out_of_scope():
    late = AccountFacts(RENSHE, posts=(post(TASK.title, cst(2022, 6, 28, 9, 0)),),
                        complete_since=cst(2022, 6, 1))
    findings = nm.check_repost_tasks([late], [TASK], T)
    assert [f.item for f in findings] == ["late"]
    assert "于2022年6月28日转载，晚于要求的2022年6月26日" in findings[0].message
    due_later = nm.RepostTask(title=TASK.title, deadline=cst(2022, 7, 5))
    assert nm.check_repost_tasks([late], [due_later], T) == []
    weibo_only = nm.RepostTask(title="另一篇", deadline=TASK.deadline, platforms=(Platform.WEIBO,))
    assert nm.check_repost_tasks([late], [weibo_only], T) == []


def test_repost_not_judged_when_posts_do_not_reach_back_to_the_task():
    recent_only = AccountFacts(RENSHE, posts=(post("今日要闻", cst(2022, 6, 29)),),
                               complete_since=cst(2022, 6, 29))
    assert nm.check_repost_tasks([recent_only], [TASK], T) == []
    no_posts = AccountFacts(RENSHE)
    assert nm.check_repost_tasks([no_posts], [TASK], T) == []


# --- NM-D3 relevance ---------------------------------------------------------------------------

FAGAI = AccountRef("341100M039XL0001", Platform.WEIBO, "滁州发改委", "滁州市发展和改革委员会")


def test_unit_kind_from_names():
    assert nm.unit_kind(FAGAI) == "发展改革"
    assert nm.unit_kind(AccountRef("X1", Platform.WEIBO, "滁州公安交警在线")) == "交警"
    assert nm.unit_kind(AccountRef("X2", Platform.WEIBO, "滁州人防")) == "人民防空"
    assert nm.unit_kind(AccountRef("X3", Platform.WEIBO, "滁州发布", unit_kind="财政")) == "财政"
    assert nm.unit_kind(AccountRef("X4", Platform.WEIBO, "某某之声")) == ""


def test_account_posting_only_unrelated_content_is_suspected():
    days = [cst(2022, 6, d, 12) for d in (22, 23, 24, 25, 26, 27)]
    titles = ["每日一笑", "今日份好心情", "夏日养生小常识", "萌宠合集", "美食推荐", "晚安"]
    unrelated = facts_from_posts(FAGAI, [post(t, d) for t, d in zip(titles, days, strict=True)],
                                 CAPTURE, complete_since=cst(2022, 5, 1))
    findings = nm.check_relevance([unrelated], T)
    assert [(f.indicator_id, f.confidence) for f in findings] == [("NM-D3", Confidence.SUSPECTED)]
    assert findings[0].message == ("“滁州发改委”新浪微博缺少与本单位职能相关的政务信息"
                                   "（近30天发布6条，与职能相关0条）")
    def mixed(n_related: int) -> AccountFacts:
        kept = [post(t, d) for t, d in zip(titles, days, strict=True)][n_related:]
        work = [post(t, d) for t, d in zip(["2022年重点项目集中开工", "6月份全市物价运行情况"],
                                           days, strict=False)][:n_related]
        return facts_from_posts(FAGAI, work + kept, CAPTURE, complete_since=cst(2022, 5, 1))

    assert nm.check_relevance([mixed(2)], T) == []  # 2 of 6 related: share 0.33
    one = nm.check_relevance([mixed(1)], T)  # 1 of 6: enough posts, share 0.17 < 0.2
    assert [f.details["related"] for f in one] == [1]


def test_relevance_on_real_format_feeds():
    renshe = feed("wechat_atom.xml", RENSHE)  # 就业见习 + 端午节安康: related
    jikong = feed("wechat_rsshub.xml", JIKONG)  # 食物中毒, 疫苗接种: related
    assert nm.check_relevance([renshe, jikong], T) == []


# --- NM-D2 menus ---------------------------------------------------------------------------------

def test_menus_as_in_the_seed():
    fenghuang = AccountRef("341100M056WX0003", Platform.WECHAT_OA, "滁州经开区凤凰办事处")
    facts = [
        AccountFacts(fenghuang, menus=(
            Menu(("平安会峰",), cst(2020, 1, 1), Precision.YEAR),
            Menu(("便民服务", "办事指南"), cst(2022, 5, 1), Precision.MONTH),
        )),
        AccountFacts(JIKONG, menus=(Menu(("防病专题", "慢性病防治和健康教育"), empty=True),)),
    ]
    findings = nm.check_menus(facts, T)
    assert [(f.indicator_id, f.item, f.message) for f in findings] == [
        ("NM-D2", "stale_menu", "“滁州经开区凤凰办事处”微信订阅号底部菜单栏“平安会峰”最后一次更新时间为2020年"),
        ("NM-D2", "empty_menu", "“滁州疾控”微信订阅号子菜单“防病专题—慢性病防治和健康教育”无信息更新"),
    ]


def test_menu_just_inside_a_year_is_fine():
    facts = AccountFacts(JIKONG, menus=(Menu(("健康科普",), cst(2021, 6, 30, 12)),))
    assert nm.check_menus([facts], T) == []  # day precision: 2021-06-30 23:59 ≥ T − 1 year
    facts = AccountFacts(JIKONG, menus=(Menu(("健康科普",), cst(2021, 6, 28)),))
    assert len(nm.check_menus([facts], T)) == 1


# --- NM-D4 zombies -------------------------------------------------------------------------------

def test_zombie_accounts():
    old = AccountFacts(RENSHE, posts=(post("旧文", cst(2022, 3, 1, 10)),))
    recent = AccountFacts(JIKONG, posts=(post("新文", cst(2022, 4, 15, 10)),))
    findings = nm.check_zombies([old, recent, AccountFacts(ZHIAN)], T)
    assert [(f.indicator_id, f.subject, f.item) for f in findings] == [
        ("NM-D4", RENSHE.code, "zombie")]
    assert findings[0].message == ("“滁州人社”微信订阅号最后一次更新为2022年3月1日，超过3个月未更新，"
                                   "属于“僵尸账号”，应列入清理整合名单")


# --- NM-D4 unfiled ---------------------------------------------------------------------------------

REGISTRY = [
    AccountRef("341124M001WX0007", Platform.WECHAT_OA, "全椒交警", "全椒县公安局交通管理大队"),
    AccountRef("341103M020WX0002", Platform.WECHAT_OA, "南谯区文化馆", "滁州市南谯区文化和旅游局",
               filed=False),
    AccountRef("341100M044XL0001", Platform.WEIBO, "滁州人防", "滁州市人民防空办公室"),
]


def found(platform, name, subject, code=""):
    return InspectionRecord(platform=platform, name=name, code=code, certified_subject=subject,
                            where="账号检查记录 第2行")


def test_unfiled_and_mismatched_accounts():
    findings = nm.check_unfiled([
        found(Platform.WECHAT_MINI, "云上南谯", "滁州市南谯区人民政府办公室"),
        found(Platform.WECHAT_CHANNELS, "全椒交警", "全椒县公安局交通管理大队"),  # 视频号 ≠ 公众号
        found(Platform.WECHAT_OA, "全椒县交警", "全椒县公安局交通管理大队"),  # the filed one
        found(Platform.WECHAT_OA, "南谯区文化馆", "滁州市南谯区文化和旅游局"),  # listed, not filed
        found(Platform.WEIBO, "滁州人防", "滁州市住房和城乡建设局"),
        found(Platform.WEIBO, "滁州市人防办", "滁州市人民防空办公室"),  # name + same subject
    ], REGISTRY)
    got = [(f.subject, f.item) for f in findings]
    assert got == [("云上南谯", "unfiled"), ("全椒交警", "unfiled"),
                   ("341103M020WX0002", "unfiled"), ("341100M044XL0001", "subject_mismatch")]
    assert findings[0].message == ("“云上南谯”微信小程序（认证主体：滁州市南谯区人民政府办公室）"
                                   "未经报批，擅自在第三方平台开设账号")
    assert "擅自开设" in findings[2].message
    assert findings[3].message == ("“滁州人防”新浪微博认证主体为“滁州市住房和城乡建设局”，"
                                   "与备案信息“滁州市人民防空办公室”不一致")
    assert all(f.indicator_id == "NM-D4" and f.confidence is Confidence.SUSPECTED
               for f in findings)


# --- registry and the whole set -----------------------------------------------------------------------

def test_rules_are_registered_with_docs():
    ids = {r.id: r for r in all_rules()}
    for rule_id, indicator in [("GI-NM001", "NM-V2"), ("GI-NM101", "NM-V1"),
                               ("GI-NM102", "NM-V3"), ("GI-NM103", "NM-L1"),
                               ("GI-NM104", "NM-D3"), ("GI-NM105", "NM-D2"),
                               ("GI-NM106", "NM-D4"), ("GI-NM107", "NM-D4")]:
        assert indicator in ids[rule_id].indicators


@pytest.mark.parametrize("set_id, vetoed", [("chuzhou-2022", True), ("national-2019", False)])
def test_new_media_rules_on_a_round_through_the_engine(set_id, vetoed):
    from govinspect.rules.base import Scope
    from govinspect.rules.engine import run_scope
    from govinspect.rules.inputs import AccountsInput, ManualInput, RoundContext

    accounts = [weibo("weibo_getindex_absolute.json", ZHIAN),
                weibo("weibo_getindex_relative.json", JIAOJING),
                feed("wechat_rsshub.xml", JIKONG), feed("wechat_atom.xml", RENSHE)]
    iset = load_indicator_set(set_id)
    ctx = RoundContext(T, iset, "2022Q2")
    findings = run_scope(Scope.ACCOUNT, AccountsInput(
        tuple(accounts), (TASK,), (found(Platform.WECHAT_MINI, "云上南谯", "滁州市南谯区人民政府办公室"),),
        tuple(REGISTRY)), ctx)
    # NM-V2 is judged from the last posts the round records (manual scope)
    entries = tuple(nm.AccountEntry(a.account.code, a.account.name, str(a.account.platform), "",
                                    last_post=a.last_post_at(T)) for a in accounts)
    findings += run_scope(Scope.MANUAL, ManualInput(accounts=entries), ctx)
    by = {(f.subject, f.indicator_id) for f in findings}
    assert ((ZHIAN.code, "NM-V2") in by) is vetoed
    assert (RENSHE.code, "NM-L1") in by and ("云上南谯", "NM-D4") in by
    results = {a.account.code: score_account(a.account.code, findings, iset) for a in accounts}
    assert results[ZHIAN.code].passed is not vetoed
    assert results[JIKONG.code].passed and results[JIAOJING.code].passed
