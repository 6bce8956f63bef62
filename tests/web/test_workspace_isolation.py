"""Isolation: a 填报单位 user never sees or changes another unit's data, on any page or download.

The test walks EVERY URL pattern of the workspace (resolved from the URLconf, not listed by
hand) as a user of unit 甲 — and as the county 丙县, which sees its own departments — filling
each pattern's arguments with objects of unit 乙, then GETs and POSTs it. Each answer must be
a refusal (403/404/405) or a page/file without any of 乙's markers, and nothing of 乙 may have
changed afterwards. A pattern with an argument this test cannot fill, or a view not wrapped
in ``workspace_view``, fails the test: a new page must say how it is scoped.
"""

from __future__ import annotations

import io
import itertools

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from workspace_scenario import B_MARKERS, PASSWORD, build

pytestmark = pytest.mark.django_db

POST_DATA = {"verdict": "dismiss", "scope": "rule_site", "reason": "越权尝试",
             "expires_on": "2099-01-01", "to_state": "已核验", "deadline": "2099-01-01"}


def workspace_patterns() -> list[tuple[str, URLPattern]]:
    """(name, pattern) of every URL pattern under the ``workspace`` namespace."""
    root = next(p for p in get_resolver().url_patterns
                if isinstance(p, URLResolver) and p.namespace == "workspace")
    out = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            else:
                out.append((f"{prefix}{p.name}", p))

    walk(root, "workspace:")
    return out


def argument_values(w) -> dict[str, list]:
    """For each URL argument name: values that point at unit 乙's objects (and at objects 甲
    may see combined with 乙's, for patterns with two arguments)."""
    from govinspect.web.workspace.views import DOWNLOADS

    b_findings = [w.findings[k].pk for k in ("B-term", "B-link", "B-account")]
    return {
        "round_id": [w.rounds["cur"].pk, w.rounds["prev"].pk],
        "site_code": [w.sites["B"].code, w.accounts["B"].code],
        "finding_id": b_findings,
        "item_id": [w.items["B"].pk, w.items["B-account"].pk, w.items["A"].pk],
        "entry_id": [w.entries["B"].pk],
        "recheck_id": [w.rechecks["B"].pk, w.rechecks["A"].pk],
        "page": [0, 1],
        "decision_id": [w.decisions["B"].pk],
        "kind": list(DOWNLOADS),
    }


def text_of(response) -> str:
    """What a person could read in the answer: HTML/text, or every cell/paragraph of an
    .xlsx/.docx download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for c in row if c is not None)
    if "wordprocessingml" in kind:
        from docx import Document

        doc = Document(io.BytesIO(content))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    for codec in ("utf-8", "gb18030"):
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def snapshot(w) -> dict:
    """Everything of 乙 a request could change."""
    from govinspect.web.decisions.models import Decision, Flag
    from govinspect.web.rectify.models import AuditEntry, Item, Publication
    from govinspect.web.rounds.models import Finding

    return {
        "findings": list(Finding.objects.filter(pk__in=[f.pk for f in w.findings.values()])
                         .order_by("pk").values_list("pk", "review_state", "review_reason")),
        "items": list(Item.objects.order_by("pk").values_list("pk", "state")),
        "audit": AuditEntry.objects.count(),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "revoked_at")),
        "flags": Flag.objects.count(),
        "publications": Publication.objects.count(),
    }


def _walk_as(client, w, username: str) -> tuple[int, list[str]]:
    values = argument_values(w)
    assert client.login(username=username, password=PASSWORD)
    problems: list[str] = []
    requests = 0
    for name, pattern in workspace_patterns():
        access = getattr(pattern.callback, "workspace_access", None)
        if access is None:
            problems.append(f"{name}: view not wrapped in workspace_view (unscoped)")
            continue
        if name in ("workspace:login", "workspace:logout"):
            continue  # the sign-in pages show no data; logging out would end the walk
        args = list(pattern.pattern.converters)
        unknown = [a for a in args if a not in values]
        if unknown:
            problems.append(f"{name}: the isolation test cannot fill {unknown}; add values")
            continue
        for combo in itertools.product(*(values[a] for a in args)):
            kwargs = dict(zip(args, combo, strict=True))
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                requests += 1
                data = dict(POST_DATA, findings=values["finding_id"]) if method == "post" else {}
                response = getattr(client, method)(url, data)
                status = response.status_code
                if status == 302 and "/login/" in response.get("Location", ""):
                    problems.append(f"{method.upper()} {url}: sent to login (not signed in?)")
                if status >= 500:
                    problems.append(f"{method.upper()} {url}: {status}")
                body = text_of(response)
                leaked = [m for m in B_MARKERS if m in body]
                if leaked:
                    problems.append(f"{method.upper()} {url}: {status} shows {leaked}")
    return requests, problems


@pytest.mark.parametrize("who", ["A", "C"])
def test_every_workspace_url_hides_unit_b(client, who):
    w = build()
    before = snapshot(w)
    username = w.users[who].username
    requests, problems = _walk_as(client, w, username)
    assert not problems, "\n".join(problems)
    assert snapshot(w) == before, "a request of another unit changed unit 乙's data"
    assert requests >= 100
    patterns = workspace_patterns()
    covered = [n for n, p in patterns if n not in ("workspace:login", "workspace:logout")]
    print(f"isolation ({who}): {len(covered)}/{len(patterns)} patterns walked "
          f"(login/logout show no data), {requests} requests")


def test_objects_of_unit_b_are_refused_not_just_hidden(client):
    """The same answer as for an object that does not exist: 404, never a page."""
    w = build()
    client.login(username=w.users["A"].username, password=PASSWORD)
    for url in (reverse("workspace:finding", args=[w.findings["B-term"].pk]),
                reverse("workspace:capture", args=[w.findings["B-term"].pk]),
                reverse("workspace:item", args=[w.items["B"].pk]),
                reverse("workspace:item_file", args=[w.items["B"].pk, w.entries["B"].pk]),
                reverse("workspace:item_file", args=[w.items["A"].pk, w.entries["B"].pk]),
                reverse("workspace:item_recheck_page",
                        args=[w.items["B"].pk, w.rechecks["B"].pk, 0]),
                reverse("workspace:item_recheck_page",
                        args=[w.items["A"].pk, w.rechecks["B"].pk, 0]),
                reverse("workspace:site", args=[w.rounds["cur"].pk, w.sites["B"].code])):
        assert client.get(url).status_code == 404, url
    # the round whose 通报 is not published does not exist for a unit
    assert client.get(reverse("workspace:round", args=[w.rounds["prev"].pk])).status_code == 404
    # reviewer and office functions are refused by role
    assert client.get(reverse("workspace:review", args=[w.rounds["cur"].pk])).status_code == 403
    assert client.get(reverse("workspace:decisions")).status_code == 403
    assert client.get(reverse("workspace:download",
                              args=[w.rounds["cur"].pk, "notice-docx"])).status_code == 403
    # and the admin back office is not theirs
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unit_a_sees_its_own(client):
    """The walk above is not passed by pages that show nothing: 甲 sees its own data."""
    w = build()
    client.login(username=w.users["A"].username, password=PASSWORD)
    cur = w.rounds["cur"]
    pages = {
        reverse("workspace:items"): ["甲市审计局网站", "可用性"],
        reverse("workspace:round", args=[cur.pk]): ["甲市审计局网站", "网站合格率"],
        reverse("workspace:findings", args=[cur.pk]): ["甲站首页链接不可用"],
        reverse("workspace:finding", args=[w.findings["A-term"].pk]): ["在线办里", "整改建议"],
        reverse("workspace:capture", args=[w.findings["A-term"].pk]): ["govinspect-hit"],
        reverse("workspace:item", args=[w.items["A"].pk]): ["broken-link.html", "通报发布",
                                                           "自动复查：甲市审计局网站"],
        reverse("workspace:item_recheck_page", args=[w.items["A"].pk, w.rechecks["A"].pk, 0]):
            ["甲站复查页面"],
        reverse("workspace:site", args=[cur.pk, w.sites["A"].code]): ["99.80"],
    }
    for url, wanted in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = text_of(response)
        for text in wanted:
            assert text in body, (url, text)
    export = client.get(reverse("workspace:items_export", args=[cur.pk]))
    assert "甲市审计局网站" in text_of(export)


def test_county_sees_its_departments(client):
    w = build()
    client.login(username=w.users["C"].username, password=PASSWORD)
    assert client.get(reverse("workspace:item", args=[w.items["C"].pk])).status_code == 200
    assert "丙县教育局网站" in text_of(client.get(reverse("workspace:items")))
    assert client.get(reverse("workspace:item", args=[w.items["A"].pk])).status_code == 404


def test_user_without_role_sees_nothing(client):
    w = build()
    client.login(username=w.users["none"].username, password=PASSWORD)
    for name, pattern in workspace_patterns():
        if pattern.pattern.converters or name in ("workspace:login", "workspace:logout"):
            continue
        response = client.get(reverse(name))
        assert response.status_code in (403, 405), name
