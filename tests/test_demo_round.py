"""End to end: `govinspect demo` on a small clean network reports exactly the planted broken
links (W-D22), each with the page it was linked from, and writes the report files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govinspect.core.indicator_sets import load_indicator_set


@pytest.mark.slow
def test_demo_round_reports_exactly_the_planted_broken_links(tmp_path: Path):
    out = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if k != "GOVINSPECT_DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-m", "govinspect.cli", "demo", "--out", str(out), "--sites", "5",
         "--scale", "0.2", "--no-faults", "--probe-seconds", "10"],
        capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    manifest = json.loads((out / "network" / "manifest.json").read_text(encoding="utf-8"))
    entries = [e for e in manifest["entries"] if not e.get("negative")]
    planted = {(e["site"], e["parent_url"], e["url"]) for e in entries
               if e.get("indicator") == "W-D22"}
    assert planted, "the demo network must plant broken links"

    findings = json.loads((out / "reports" / "2022Q2" / "findings.json").read_text(encoding="utf-8"))
    found = {(f["site"], f["parent_url"], f["url"]) for f in findings if f["indicator"] == "W-D22"}
    assert found - planted == set(), "unplanted broken links reported"
    assert planted - found == set(), "planted broken links missed"

    homepage_items = {(e["site"], e["parent_url"], e["url"]) for e in entries
                      if e.get("indicator") == "W-D22" and e.get("on_homepage")}
    for f in findings:
        key = (f["site"], f["parent_url"], f["url"])
        assert (f["item"] == "homepage") == (key in homepage_items)

    workbook = load_workbook(out / "reports" / "2022Q2" / "2022Q2-问题清单.xlsx")
    site_findings = [f for f in findings if f.get("subject_kind") != "account"]
    # 加分 findings (W-B1 数据发布) are in findings.json but no problem to list
    iset = load_indicator_set("national-2019")
    bonus = [f for f in site_findings
             if (iset.indicators.get(f["indicator"]) or {}).get("family") == "bonus"]
    assert {(f["site"], f["item"]) for f in bonus} == {
        (e["site"], {"data_release_fresh_3m": "updated_3_months",
                     "data_release_fresh_6m": "updated_6_months"}[e["kind"]])
        for e in entries if e["kind"].startswith("data_release_fresh")}
    assert bonus, "a portal's fresh 数据发布 column earns W-B1"
    assert workbook["问题清单"].max_row == len(site_findings) - len(bonus) + 1
    assert (out / "reports" / "2022Q2" / "2022Q2-汇总.html").exists()
    assert len(list((out / "reports" / "2022Q2" / "整改清单").glob("*.xlsx"))) == 5
    assert "检查结果" in run.stdout
    # what `govinspect serve` needs to serve the network again for the automatic re-check
    assert json.loads((out / "network" / "build.json").read_text(encoding="utf-8"))["sites"] == 5
    options = json.loads((out / "recheck-options.json").read_text(encoding="utf-8"))
    assert options["allow_private"] and set(options["resolve"]) >= set(manifest["resolve"])
