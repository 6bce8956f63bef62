"""The real-page corpus: labels in the project, bytes outside it (never committed)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from govinspect.eval import corpus as corpus_mod
from govinspect.eval.corpus import PROJECT_LABELS, load_corpus

REQUIRED = ("id", "source_repo", "commit", "path", "sha256", "bytes", "licence", "url", "site",
            "page_type", "title", "headline", "pub_date", "written_date", "doc_number",
            "doc_number_normalised", "issuer", "index_number", "site_id_code", "column_name",
            "footer", "evidence", "notes", "cms", "province")
FOOTER = ("party_gov_logo", "site_id_code", "icp", "police_beian", "sponsor", "contact",
          "jiucuo_entry")
PAGE_TYPES = {"article", "policy", "list", "home", "message", "guide", "other"}


def _labels() -> list[dict]:
    return [json.loads(line) for line in PROJECT_LABELS.read_text("utf-8").splitlines()
            if line.strip()]


def test_project_labels_are_complete_and_well_formed():
    labels = _labels()
    assert len({x["id"] for x in labels}) == len(labels)
    for label in labels:
        missing = [k for k in REQUIRED if k not in label]
        assert not missing, (label["id"], missing)
        assert label["page_type"] in PAGE_TYPES
        assert re.fullmatch(r"[0-9a-f]{64}", label["sha256"])
        assert re.fullmatch(r"[0-9a-f]{40}", label["commit"])
        assert set(FOOTER) <= set(label["footer"])
        for key in ("pub_date", "written_date"):
            assert label[key] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", label[key])


def _decoded(data: bytes) -> str:
    if data[:2] == b"\xff\xfe":
        return data[2:].decode("utf-16le")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def test_evidence_is_on_the_page():
    corpus = load_corpus()
    pages = [p for p in corpus.pages if p.source == "project"]
    if not pages:
        pytest.skip(f"页面字节不在 {corpus_mod.realcorpus_dir()}（设置 GOVINSPECT_REALCORPUS）；"
                    "项目只提交标注，真实页面不入库")
    for page in pages:
        text = _decoded(page.read())
        plain = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for key, value in page.label["evidence"].items():
            assert value in text or " ".join(value.split()) in plain, (page.id, key, value)


def test_missing_and_changed_bytes_are_reported(tmp_path):
    pages = tmp_path / "extra" / "pages"
    pages.mkdir(parents=True)
    good = b"<html><title>t</title></html>"
    (pages / "ok.html").write_bytes(good)
    (pages / "changed.html").write_bytes(b"<html>edited</html>")
    labels = tmp_path / "labels.jsonl"
    rows = [{"id": "ok", "sha256": hashlib.sha256(good).hexdigest()},
            {"id": "changed", "sha256": hashlib.sha256(b"original").hexdigest()},
            {"id": "absent", "sha256": "0" * 64}]
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    corpus = load_corpus(shared=tmp_path / "no-shared", extra=tmp_path / "extra", labels=labels)
    assert [p.id for p in corpus.pages] == ["ok"]
    assert [m.split(":")[0] for m in corpus.mismatched] == ["changed"]
    assert any(m.startswith("absent:") for m in corpus.missing)
    assert any("共享标注页面集不存在" in m for m in corpus.missing)
    assert len(corpus.problems) == 3


def test_environment_variable_overrides_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVINSPECT_REALCORPUS", str(tmp_path))
    assert corpus_mod.realcorpus_dir() == tmp_path
    monkeypatch.delenv("GOVINSPECT_REALCORPUS")
    assert corpus_mod.realcorpus_dir() == corpus_mod.PROJECT_ROOT.parent / "realcorpus"
