"""Alerts that do not spam: N consecutive failures before an outage alert, one recovery
notice, one alert per event however often it is found, retries with back-off, 钉钉 signing,
per-unit routing and the daily digest — against local receivers only (alert_receivers.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from zoneinfo import ZoneInfo

import pytest
from alert_receivers import RobotReceiver, SmtpReceiver

from govinspect.core.alerts import AlertKind, OutageState, Visit, track_outages
from govinspect.core.probes import ProbeOutcome as O

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def robot():
    r = RobotReceiver()
    yield r
    r.close()


@pytest.fixture
def smtp(settings):
    r = SmtpReceiver()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", r.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield r
    r.close()


# ── pure: outage tracking ─────────────────────────────────────────────────────────────────

def _visits(outcomes, start=0):
    return [Visit(start + i, o) for i, o in enumerate(outcomes)]


def test_outage_after_n_consecutive_failures_then_one_recovery():
    seq = [O.OK, O.TIMEOUT, O.DNS, O.OK,  # two failures: no alert
           O.TIMEOUT, O.MISSED, O.REFUSED, O.INTERRUPTED, O.HTTP_ERROR,  # 3 failures (gaps
           O.TIMEOUT, O.TIMEOUT, O.TLS,  # don't count or break): one outage, then silence
           O.POLICY, O.OK, O.OK,  # one recovery
           O.TIMEOUT, O.TIMEOUT, O.OK]  # two failures again: nothing
    state, events = track_outages(OutageState(), _visits(seq), 3, subject="3400000101",
                                  name="甲站", scope="2022Q2")
    assert [(e.kind, e.key) for e in events] == [
        (AlertKind.OUTAGE, "outage:2022Q2:3400000101:4"),
        (AlertKind.RECOVERY, "recovery:2022Q2:3400000101:13")]
    assert "连续 3 次" in events[0].body and state.down_since is None and state.last_slot == 17


def test_outage_tracking_in_pieces_equals_one_pass():
    seq = [O.TIMEOUT, O.TIMEOUT, O.MISSED, O.TIMEOUT, O.TIMEOUT, O.OK, O.DNS, O.DNS, O.DNS, O.OK]
    whole = track_outages(OutageState(), _visits(seq), 2, subject="s", name="n", scope="r")
    state, events = OutageState(), []
    for cut in range(0, len(seq), 3):
        # each scan sees what is recorded by then, old slots included: never counted twice
        state, new = track_outages(state, _visits(seq[:cut + 3]), 2, subject="s", name="n",
                                   scope="r")
        events += new
    assert (state, events) == whole
    assert [e.kind for e in events] == [AlertKind.OUTAGE, AlertKind.RECOVERY,
                                        AlertKind.OUTAGE, AlertKind.RECOVERY]


def test_dingtalk_signature_matches_the_published_algorithm():
    from govinspect.core.alerts import dingtalk_signed_url

    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc",
                              "SECtest", 1700000000000)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp="
                          "1700000000000&sign=")
    # the 钉钉 documentation's recipe, written out independently
    expected = base64.b64encode(hmac.new(b"SECtest", b"1700000000000\nSECtest",
                                         hashlib.sha256).digest()).decode()
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(url).query)["sign"] == [expected]


# ── the outbox against local receivers ────────────────────────────────────────────────────

def _probe_world():
    from govinspect.web.roster.models import Site, Unit
    from govinspect.web.rounds.models import Round

    unit_a = Unit.objects.create(name="甲市审计局", level="市直", region="市直")
    unit_b = Unit.objects.create(name="乙市统计局", level="市直", region="市直")
    t = dt.datetime(2022, 6, 30, 17, tzinfo=CST)
    a = Site.objects.create(code="3400000101", name="甲市审计局网站",
                            homepage="http://a.example.gov.cn/", kind="部门", unit=unit_a)
    b = Site.objects.create(code="3400000202", name="乙市统计局网站",
                            homepage="http://b.example.gov.cn/", kind="部门", unit=unit_b)
    r = Round.objects.create(name="2022Q2", reference_time=t, window_start=t - dt.timedelta(7),
                             window_end=t)
    r.sites.set([a, b])
    return r, a, b, unit_a


def _probe(round_, site, slot, outcome):
    from govinspect.web.rounds.models import Probe

    at = round_.window_start + dt.timedelta(hours=slot)
    Probe.objects.create(round=round_, site=site, slot=slot, planned_at=at, probed_at=at,
                         outcome=outcome.value, error="" if outcome == O.OK else "timed out")


@pytest.mark.django_db
def test_outage_and_recovery_reach_the_robots_once_each(robot, settings):
    from govinspect.web.alerts.models import Channel, Recipient
    from govinspect.web.alerts.services import tick

    settings.GOVINSPECT_ALERT_OUTAGE_AFTER = 3
    r, a, b, unit_a = _probe_world()
    Recipient.objects.create(name="办公室企业微信群", channel=Channel.WECOM,
                             target=robot.url("/cgi-bin/webhook/send?key=K1"))
    Recipient.objects.create(name="办公室钉钉群", channel=Channel.DINGTALK,
                             target=robot.url("/robot/send?access_token=T1"), secret="SECabc")
    slot = 0
    for outcome in (O.OK, O.TIMEOUT, O.TIMEOUT):
        _probe(r, a, slot, outcome)
        _probe(r, b, slot, O.OK)
        slot += 1
    tick()
    assert robot.requests == []  # two failures: not yet
    for outcome in (O.TIMEOUT, O.TIMEOUT, O.TIMEOUT, O.TIMEOUT):  # down, and stays down
        _probe(r, a, slot, outcome)
        slot += 1
        tick()
        tick()  # a second scan finds nothing new
    assert len(robot.delivered) == 2
    assert all("甲市审计局网站（3400000101）无法访问" in t for t in robot.delivered)
    _probe(r, a, slot, O.OK)
    _probe(r, a, slot + 1, O.OK)
    tick()
    tick()
    assert len(robot.delivered) == 4 and all("恢复访问" in t for t in robot.delivered[2:])
    assert not any("乙市统计局" in t for t in robot.delivered)
    ding = [q for q in robot.requests if q["path"] == "/robot/send"]
    assert len(ding) == 2
    for req in ding:
        ts = req["query"]["timestamp"][0]
        sign = base64.b64encode(hmac.new(b"SECabc", f"{ts}\nSECabc".encode(),
                                         hashlib.sha256).digest()).decode()
        assert req["query"]["sign"] == [sign] and req["query"]["access_token"] == ["T1"]
    wecom = [q for q in robot.requests if q["path"] == "/cgi-bin/webhook/send"]
    assert len(wecom) == 2 and wecom[0]["json"]["msgtype"] == "text"


@pytest.mark.django_db
def test_a_failed_send_is_retried_with_back_off_and_sent_once(robot):
    from govinspect.core.alerts import Event
    from govinspect.web.alerts.models import Channel, Delivery, DeliveryState, Recipient
    from govinspect.web.alerts.services import MAX_ATTEMPTS, backoff, deliver_due, record

    Recipient.objects.create(name="群", channel=Channel.WECOM, target=robot.url("/send"))
    robot.fail = [500, "errcode"]
    event = Event(AlertKind.ROUND_FINISHED, "round:1:finished", "2022Q2 检查完成", "完成")
    now = dt.datetime(2022, 7, 1, 9, tzinfo=CST)
    assert record(event, now=now) is not None
    assert record(event, now=now) is None  # the same event again: stored once
    assert deliver_due(now).retried == 1
    assert deliver_due(now).sent == 0  # not due again before its back-off
    d = Delivery.objects.get()
    assert d.attempts == 1 and "HTTP 500" in d.last_error
    now += backoff(1)
    assert deliver_due(now).retried == 1 and "310000" in Delivery.objects.get().last_error
    now += backoff(2)
    assert deliver_due(now).sent == 1
    assert deliver_due(now + dt.timedelta(days=1)).sent == 0  # sent: never again
    assert len(robot.requests) == 3 and len(robot.delivered) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT

    # a receiver that never answers: given up after MAX_ATTEMPTS, the error kept
    robot.close()
    record(Event(AlertKind.ROUND_FINISHED, "round:2:finished", "2022Q3 检查完成", "完成"),
           now=now)
    failed = 0
    for _ in range(MAX_ATTEMPTS):
        now += dt.timedelta(hours=7)
        failed += deliver_due(now).failed
    last = Delivery.objects.get(alert__key="round:2:finished")
    assert failed == 1 and last.state == DeliveryState.FAILED and last.attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_two_senders_never_send_the_same_delivery(robot):
    from govinspect.core.alerts import Event
    from govinspect.web.alerts.models import Channel, Recipient
    from govinspect.web.alerts.services import deliver_due, record

    Recipient.objects.create(name="群", channel=Channel.WECOM, target=robot.url("/send"))
    now = dt.datetime(2022, 7, 1, 9, tzinfo=CST)
    record(Event(AlertKind.ROUND_FINISHED, "round:1:finished", "完成", "完成"), now=now)
    seen = []

    def slow_sender(recipient, title, body):
        # while the first sender is sending, a second one runs over the same outbox
        seen.append(title)
        if len(seen) == 1:
            assert deliver_due(now, sender=slow_sender).sent == 0

    assert deliver_due(now, sender=slow_sender).sent == 1
    assert seen == ["完成"]


@pytest.mark.django_db
def test_deadlines_reach_each_unit_once_and_the_digest_once_a_day(robot, smtp):
    from workspace_scenario import T, build

    from govinspect.web.alerts.models import Channel, Mode, Recipient
    from govinspect.web.alerts.services import tick

    w = build()  # items of the published round are due T + 14 days; 乙's site item is fixed
    deadline = T.date() + dt.timedelta(days=14)
    unit_a = Recipient.objects.create(name="甲单位群", channel=Channel.WECOM,
                                      target=robot.url("/a"))
    unit_a.units.set([w.units["A"]])
    Recipient.objects.create(name="办公室邮箱", channel=Channel.EMAIL,
                                      target="office@localhost", mode=Mode.DIGEST)
    county = Recipient.objects.create(name="丙县邮箱", channel=Channel.EMAIL,
                                      target="county@localhost", mode=Mode.DIGEST)
    county.units.set([w.units["C"]])

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), CST)

    tick(at(deadline - dt.timedelta(days=10), 9))
    assert robot.requests == [] and smtp.messages == []
    near = deadline - dt.timedelta(days=2)
    tick(at(near, 7))  # before the digest hour: e-mail waits, the unit's robot does not
    assert smtp.messages == []
    from govinspect.web.rectify.models import Item

    a_items = Item.objects.filter(unit=w.units["A"]).count()
    assert a_items == 2
    # one message for the unit's deadline, listing its items
    assert len(robot.delivered) == 1 and "甲市审计局有 2 项整改的期限为" in robot.delivered[0]
    tick(at(near, 9))
    tick(at(near, 15))  # once a day
    assert len(smtp.messages) == 2
    by_to = {m["To"]: m for m in smtp.messages}
    office_body = by_to["office@localhost"].get_content()
    county_body = by_to["county@localhost"].get_content()
    assert "检查提醒日报" in by_to["office@localhost"]["Subject"]
    assert "甲市审计局网站" in office_body and "丙县教育局网站" in office_body
    assert "乙统计发布" in office_body  # 乙's account item is open; 乙's site item is fixed
    assert "丙县教育局网站" in county_body and "甲市审计局" not in county_body
    tick(at(near + dt.timedelta(days=1), 10))  # nothing new: no empty digest
    assert len(smtp.messages) == 2
    over = deadline + dt.timedelta(days=1)
    tick(at(over, 10))
    tick(at(over + dt.timedelta(days=1), 10))
    assert len(smtp.messages) == 4 and "整改已逾期" in smtp.messages[2].get_content()
    assert len(robot.delivered) == 2 and "整改已逾期" in robot.delivered[1]
    assert not any("乙" in t for t in robot.delivered)


@pytest.mark.django_db
def test_round_finished_is_announced_once(robot):
    from workspace_scenario import build

    from govinspect.web.alerts.models import Channel, Recipient
    from govinspect.web.alerts.services import deliver_due, notify_round_finished

    w = build(publish=False)
    Recipient.objects.create(name="办公室", channel=Channel.WECOM, target=robot.url("/o"))
    unit_only = Recipient.objects.create(name="甲", channel=Channel.WECOM, target=robot.url("/a"))
    unit_only.units.set([w.units["A"]])
    assert notify_round_finished(w.rounds["cur"]) is not None
    assert notify_round_finished(w.rounds["cur"]) is None
    deliver_due()
    assert [r["path"] for r in robot.requests] == ["/o"]
    assert "2022Q2 检查完成：检查网站 3 家，采集页面 3 个" in robot.delivered[0]


def test_cli_run_reports_and_fails_loudly(db, robot):
    from click.testing import CliRunner

    from govinspect.cli import main

    result = CliRunner().invoke(main, ["alerts", "run"])
    assert result.exit_code == 0 and "新提醒 0 条" in result.output
