"""REST API: OpenAPI schema, token sign-in, role isolation per endpoint, and the writes.

The isolation walk resolves EVERY URL pattern of the ``api`` namespace from the URLconf (a new
endpoint is walked without being listed here), fills its arguments with objects of unit 乙 and
calls it with every method as a user of unit 甲 and of the county 丙县: each answer must be a
refusal (401/403/404/405) or data without any of 乙's markers, and nothing may change."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from test_workspace_isolation import snapshot
from workspace_scenario import B_MARKERS, B_SITE, build

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def api_patterns() -> list[tuple[str, URLPattern]]:
    root = next(p for p in get_resolver().url_patterns
                if isinstance(p, URLResolver) and p.namespace == "api")
    return [(f"api:{p.name}", p) for p in root.url_patterns]


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def argument_values(w) -> dict[str, list]:
    """Per basename, lookup values pointing at unit 乙's objects (the current round is 甲's
    too: its scores must leave 乙 out; the previous one is unpublished for units)."""
    return {
        "unit": [w.units["B"].pk],
        "site": [w.sites["B"].code],
        "account": [w.accounts["B"].code],
        "round": [w.rounds["cur"].pk, w.rounds["prev"].pk],
        "finding": [w.findings[k].pk for k in ("B-term", "B-link", "B-account")],
        "item": [w.items["B"].pk, w.items["B-account"].pk],
        "decision": [w.decisions["B"].pk],
    }


def post_data(w) -> dict:
    b_findings = [w.findings[k].pk for k in ("B-term", "B-link", "B-account")]
    return {"findings": b_findings, "verdict": "dismiss", "scope": "rule_site",
            "reason": "越权尝试", "to_state": "已核验", "name": "越权轮次",
            "reference_time": "2022-06-30T17:00:00+08:00", "site_codes": [B_SITE[0]]}


def body_text(response) -> str:
    return response.content.decode("utf-8", "replace")


def walk(w, user) -> tuple[int, list[str]]:
    from govinspect.web.api.urls import PUBLIC

    client = client_for(user)
    values = argument_values(w)
    problems, requests = [], 0
    for name, pattern in api_patterns():
        if name in PUBLIC:
            continue
        basename = name.split(":")[1].split("-")[0]
        args = list(pattern.pattern.converters)
        combos = [{}] if not args else [{args[0]: v} for v in values.get(basename, [])]
        if args and not combos:
            problems.append(f"{name}: the isolation walk cannot fill {args}; add values")
        for kwargs in combos:
            url = reverse(name, kwargs=kwargs)
            for query in ("", f"?round={w.rounds['cur'].pk}", f"?subject={B_SITE[0]}"):
                for method in METHODS:
                    requests += 1
                    response = getattr(client, method)(url + query, post_data(w), format="json")
                    if response.status_code >= 500:
                        problems.append(f"{method} {url}{query}: {response.status_code}")
                    leaked = [m for m in B_MARKERS if m in body_text(response)]
                    if leaked:
                        problems.append(f"{method} {url}{query}: {response.status_code} "
                                        f"shows {leaked}")
    return requests, problems


@pytest.mark.parametrize("who", ["A", "C"])
def test_every_api_endpoint_hides_unit_b(who):
    w = build()
    before = snapshot(w)
    requests, problems = walk(w, w.users[who])
    assert not problems, "\n".join(problems)
    assert snapshot(w) == before, "an API request of another unit changed unit 乙's data"
    assert requests >= 100


def test_objects_of_unit_b_answer_404_and_office_functions_403():
    w = build()
    client = client_for(w.users["A"])
    for url in (reverse("api:unit-detail", args=[w.units["B"].pk]),
                reverse("api:site-detail", args=[w.sites["B"].code]),
                reverse("api:account-detail", args=[w.accounts["B"].code]),
                reverse("api:round-detail", args=[w.rounds["prev"].pk]),
                reverse("api:round-scores", args=[w.rounds["prev"].pk]),
                reverse("api:finding-detail", args=[w.findings["B-term"].pk]),
                reverse("api:finding-detail", args=[w.findings["B-account"].pk]),
                reverse("api:item-detail", args=[w.items["B"].pk])):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "没有找到，或无权查看"} or \
            "乙" not in body_text(response)
    item_b = w.items["B"]
    response = client.post(reverse("api:item-transition", args=[item_b.pk]),
                           {"to_state": "已整改", "reason": "越权"}, format="json")
    assert response.status_code == 404
    for method, url in (("get", reverse("api:decision-list")),
                        ("post", reverse("api:decision-list")),
                        ("post", reverse("api:round-list")),
                        ("post", reverse("api:round-run", args=[w.rounds["cur"].pk])),
                        ("post", reverse("api:roster_import"))):
        assert getattr(client, method)(url, {}, format="json").status_code == 403, url
    # lists hold 甲's rows only
    for name in ("api:site-list", "api:item-list", "api:finding-list"):
        rows = client.get(reverse(name)).json()["results"]
        assert rows, name
        assert all(m not in json.dumps(rows, ensure_ascii=False) for m in B_MARKERS)


def test_without_token_or_role_nothing_is_shown():
    w = build()
    anonymous = APIClient()
    norole = client_for(w.users["none"])
    for name, pattern in api_patterns():
        if name in ("api:schema", "api:token") or pattern.pattern.converters:
            continue
        assert anonymous.get(reverse(name)).status_code == 401, name
        assert norole.get(reverse(name)).status_code == 403, name
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert bad.get(reverse("api:site-list")).status_code == 401


def test_token_endpoint_signs_in():
    from workspace_scenario import PASSWORD

    w = build()
    response = APIClient().post(reverse("api:token"), {"username": w.users["A"].username,
                                                       "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    codes = [r["code"] for r in client.get(reverse("api:site-list")).json()["results"]]
    assert codes == [w.sites["A"].code]
    assert APIClient().post(reverse("api:token"), {"username": w.users["A"].username,
                                                   "password": "wrong"}).status_code == 400


def test_unit_reads_its_round_scores_findings_with_evidence_and_items(client):
    from workspace_scenario import PASSWORD

    w = build()
    api = client_for(w.users["A"])
    cur = w.rounds["cur"]
    rounds = api.get(reverse("api:round-list")).json()["results"]
    assert [r["name"] for r in rounds] == [cur.name] and rounds[0]["published"] is True
    scores = api.get(reverse("api:round-scores", args=[cur.pk])).json()
    assert [s["site"] for s in scores["sites"]] == [w.sites["A"].code]
    assert scores["sites"][0]["score"] == "99.80" and scores["accounts"][0]["account"] == \
        w.accounts["A"].code
    # the office sees every site's score
    office = client_for(w.users["office"]).get(reverse("api:round-scores", args=[cur.pk])).json()
    assert {s["site"] for s in office["sites"]} == {s.code for s in w.sites.values()}

    found = api.get(reverse("api:finding-list") + f"?round={cur.pk}").json()["results"]
    term = next(f for f in found if f["id"] == w.findings["A-term"].pk)
    ev = term["evidence"]
    assert ev["url"] == w.sites["A"].homepage
    assert ev["context"][ev["span"][0]:ev["span"][1]] == "在线办里"
    # the evidence links open the workspace's finding page and replay for the same user
    client.login(username=w.users["A"].username, password=PASSWORD)
    assert client.get(ev["page"]).status_code == 200
    assert "govinspect-hit" in client.get(ev["replay"]).content.decode()

    items = api.get(reverse("api:item-list")).json()["results"]
    assert w.items["A"].pk in [i["id"] for i in items]
    assert {i["unit"] for i in items} == {w.units["A"].name}
    response = api.post(reverse("api:item-transition", args=[w.items["A"].pk]),
                        {"to_state": "已整改", "reason": "已修复首页链接"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["to_state"] == "已整改"
    w.items["A"].refresh_from_db()
    assert w.items["A"].state == "已整改"
    # a unit may not verify its own fix
    response = api.post(reverse("api:item-transition", args=[w.items["A"].pk]),
                        {"to_state": "已核验", "reason": "自己核验"}, format="json")
    assert response.status_code == 400 and "不能" in response.json()["detail"]
    # the inspector verifies it
    response = client_for(w.users["inspector"]).post(
        reverse("api:item-transition", args=[w.items["A"].pk]),
        {"to_state": "已核验", "reason": "复查已修复"}, format="json")
    assert response.status_code == 200, response.content


def test_reviewer_decides_through_the_api():
    from govinspect.web.rounds.models import Finding, ReviewState

    w = build()
    api = client_for(w.users["inspector"])
    prev_a = Finding.objects.get(round=w.rounds["prev"], site=w.sites["A"])
    response = api.post(reverse("api:decision-list"),
                        {"findings": [prev_a.pk], "verdict": "dismiss", "scope": "finding",
                         "reason": "链接实际可用"}, format="json")
    assert response.status_code == 201, response.content
    prev_a.refresh_from_db()
    assert prev_a.review_state == ReviewState.DISMISSED
    # a published round's review is frozen: a clear error, nothing changed
    response = api.post(reverse("api:decision-list"),
                        {"findings": [w.findings["A-term"].pk], "verdict": "confirm",
                         "scope": "finding", "reason": "确认"}, format="json")
    assert response.status_code == 400 and "已发布" in response.json()["detail"]
    ids = [d["id"] for d in api.get(reverse("api:decision-list")).json()["results"]]
    assert len(ids) == 2


def test_office_imports_roster_creates_round_and_run_needs_a_queue(settings):
    w = build()
    api = client_for(w.users["office"])
    csv_text = ("网站标识码,网站名称,首页网址,网站类型,主办单位,所属地区,其他域名\n"
                "3411000059,滁州市供销合作社联合社,http://gxs.chuzhou.gov.cn,部门,"
                "滁州市供销合作社联合社,市直,\n")
    upload = io.BytesIO(csv_text.encode("utf-8"))
    upload.name = "名录.csv"
    response = api.post(reverse("api:roster_import"), {"files": [upload]}, format="multipart")
    assert response.status_code == 200, response.content
    assert any("网站" in line for line in response.json()["lines"])
    bad = io.BytesIO("网站标识码,网站名称\n12,缺列\n".encode())
    bad.name = "bad.csv"
    response = api.post(reverse("api:roster_import"), {"files": [bad]}, format="multipart")
    assert response.status_code == 400 and response.json()["problems"]

    t = dt.datetime(2022, 9, 30, 17, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    response = api.post(reverse("api:round-list"),
                        {"name": "2022Q3", "reference_time": t.isoformat(),
                         "site_codes": ["3411000059"]}, format="json")
    assert response.status_code == 201, response.content
    round_id = response.json()["id"]
    again = api.post(reverse("api:round-list"), {"name": "2022Q3",
                                                 "reference_time": t.isoformat()}, format="json")
    assert again.status_code == 400
    settings.GOVINSPECT_BROKER_URL = ""
    response = api.post(reverse("api:round-run", args=[round_id]), {}, format="json")
    assert response.status_code == 503 and "GOVINSPECT_BROKER_URL" in response.json()["detail"]


def test_openapi_schema_is_valid_and_lists_every_endpoint(tmp_path):
    out = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--file", str(out))
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in json.dumps(schema["components"].get("securitySchemes", {}))
    for name, pattern in api_patterns():
        if name == "api:schema":
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1] == "pk" else f"{{{m[1]}}}",
                       "/api/" + str(pattern.pattern))
        assert route in schema["paths"], (name, route, sorted(schema["paths"]))
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200 and json.loads(response.content)["openapi"]


def test_cli_prints_and_renews_a_token():
    from click.testing import CliRunner

    from govinspect.cli import main

    w = build()
    runner = CliRunner()
    first = runner.invoke(main, ["user", "token", w.users["A"].username])
    assert first.exit_code == 0, first.output
    key = first.output.strip()
    assert Token.objects.get(user=w.users["A"]).key == key
    again = runner.invoke(main, ["user", "token", w.users["A"].username, "--renew"])
    assert again.output.strip() != key
    missing = runner.invoke(main, ["user", "token", "nobody"])
    assert missing.exit_code != 0 and "没有用户" in missing.output


def test_office_run_enqueues_on_a_real_broker(settings):
    """With a broker configured, run answers 202 and the task is on the Redis queue."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
    from queue_env import redis_client

    try:
        redis_client().ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {exc}")
    db = next((d for d in range(15, 0, -1) if redis_client(d).dbsize() == 0
               and redis_client(d).setnx("govinspect-test-owner", "api")), None)
    if db is None:
        pytest.skip("no empty Redis database (1–15)")
    client = redis_client(db)
    try:
        w = build()
        settings.GOVINSPECT_BROKER_URL = f"redis://127.0.0.1:6379/{db}"
        response = client_for(w.users["office"]).post(
            reverse("api:round-run", args=[w.rounds["cur"].pk]), {"workers": 2}, format="json")
        assert response.status_code == 202, response.content
        task_id = response.json()["task_id"]
        messages = [json.loads(m) for m in client.lrange("govinspect", 0, -1)]
        assert [m["headers"]["id"] for m in messages] == [task_id]
        assert messages[0]["headers"]["task"] == "govinspect.round.run"
    finally:
        client.flushdb()
