"""The fast subset of ``make fuzz`` (bench/fuzz.py): a few hundred seeded hostile inputs
through extraction, check-text and the crawler's link parser, with no uncaught exception."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[2] / "bench" / "fuzz.py"


def _load():
    spec = importlib.util.spec_from_file_location("govinspect_bench_fuzz", FUZZ)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fuzz():
    return _load()


@pytest.mark.parametrize("seed", [11, 12])
def test_fuzz_subset_has_no_uncaught_exception(fuzz, seed):
    result = fuzz.run(150, seed)
    assert result["uncaught"] == 0, result["failures"]
    assert result["runs"] == {"extract": 150, "check-text": 150, "crawler-parse": 150}


def test_generator_is_deterministic_and_hostile(fuzz):
    first = [(k, d) for _, k, d in fuzz.inputs(60, 5)]
    assert first == [(k, d) for _, k, d in fuzz.inputs(60, 5)]
    assert {"empty", "hostile_only", "insert"} <= {k for k, _ in first}


def test_a_failure_is_counted(fuzz, monkeypatch):
    def broken(_n, _data, _url):
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr(fuzz, "_targets", lambda _every: [("broken", broken)])
    result = fuzz.run(3, 1)
    assert result["uncaught"] == 3
    assert result["failures"][0]["error"] == "ValueError: Invalid IPv6 URL"


@pytest.mark.parametrize("url", ["http://[fe80::1/x.html", "http://[::1", "http://a.gov.cn:abc/"])
def test_malformed_page_url_keeps_the_facts(url):
    from govinspect.extract import extract_page

    body = ("<html><body><h1>关于开展安全检查的通知</h1><p>发布日期：2024-01-02</p>"
            '<a href="/a.html">甲</a><a href="http://[fe80::1">乙</a>'
            "<script>var countPage = 5;</script></body></html>").encode()
    facts = extract_page(body, url)
    assert facts.errors == ()
    assert facts.page_type != "error"
    assert facts.title == "关于开展安全检查的通知"
    assert "乙" in [link.text for link in facts.links]  # kept as written
