"""A queued round's progress (pipeline.Stage rows) in the CLI text, the workspace page and the
API: per stage and, for collect shards, per site; reviewers only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from test_api import client_for
from workspace_scenario import PASSWORD, build

pytestmark = pytest.mark.django_db


def stages(w):
    from govinspect.web.pipeline.models import Stage, StageName, StageState

    cur = w.rounds["cur"]
    Stage.objects.create(round=cur, stage=StageName.COLLECT, key="shard-00",
                         sites=[w.sites["A"].code, w.sites["B"].code], state=StageState.RUNNING,
                         attempts=2, worker="host:123")
    Stage.objects.create(round=cur, stage=StageName.MERGE, key="round")
    return cur


def test_progress_shows_stages_and_pages_per_site(client):
    from govinspect.web.pipeline.services import progress
    from govinspect.web.rounds.services import round_dir

    w = build()
    cur = stages(w)
    shard = round_dir(cur) / "collect" / "shards" / "00"
    shard.mkdir(parents=True)
    lines = [json.dumps({"site_code": w.sites["A"].code, "url": f"http://a/{i}"}) for i in range(3)]
    (shard / "captures.jsonl.part").write_text("\n".join(lines) + "\n{\"site_co", encoding="utf-8")
    text = "\n".join(progress(cur))
    assert "采集 shard-00：进行中（第 2 次，host:123）" in text
    assert f"{w.sites['A'].code}：3 页" in text and f"{w.sites['B'].code}：0 页" in text
    assert "合并采集结果 round：等待" in text

    client.login(username=w.users["inspector"].username, password=PASSWORD)
    page = client.get(reverse("workspace:progress", args=[cur.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "进行中" in body and f"{w.sites['A'].code}：3 页" in body
    api = client_for(w.users["office"]).get(reverse("api:round-progress", args=[cur.pk]))
    assert api.status_code == 200
    assert api.json()[0]["sites"][0] == {"code": w.sites["A"].code, "pages": 3}


def test_units_do_not_see_progress(client):
    w = build()
    cur = stages(w)
    client.login(username=w.users["A"].username, password=PASSWORD)
    assert client.get(reverse("workspace:progress", args=[cur.pk])).status_code == 403
    api = client_for(w.users["A"]).get(reverse("api:round-progress", args=[cur.pk]))
    assert api.status_code == 403
