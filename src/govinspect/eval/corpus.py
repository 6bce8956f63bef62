"""The project's real-page corpus: labels in the project, page bytes outside it.

Labels (one JSON object per page, fields as in ``../shared/data/realpages/README.md`` plus
``cms`` and ``province``) live in ``tests/realcorpus/labels.jsonl`` (pages the team gathered)
and ``../shared/data/realpages/labels.jsonl`` (the shared set). Bytes live in
``../shared/data/realpages/pages/<id>.html`` and ``$GOVINSPECT_REALCORPUS/pages/<id>.html``
(default ``../realcorpus`` beside the project root): real pages from public repositories are
never committed (workplace rule). Every page is checked against its label's sha256; a missing
or changed file is reported, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
PROJECT_LABELS = PROJECT_ROOT / "tests" / "realcorpus" / "labels.jsonl"


def shared_realpages_dir() -> Path:
    return PROJECT_ROOT.parent / "shared" / "data" / "realpages"


def realcorpus_dir() -> Path:
    """Where the gathered pages' bytes live: ``$GOVINSPECT_REALCORPUS`` or ``../realcorpus``."""
    env = os.environ.get("GOVINSPECT_REALCORPUS")
    return Path(env) if env else PROJECT_ROOT.parent / "realcorpus"


@dataclass
class CorpusPage:
    label: dict
    path: Path
    source: str  # "shared" or "project"

    @property
    def id(self) -> str:
        return self.label["id"]

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass
class Corpus:
    pages: list[CorpusPage] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "id: why"
    mismatched: list[str] = field(default_factory=list)  # sha256 differs

    @property
    def problems(self) -> list[str]:
        return [f"缺少页面文件 {m}" for m in self.missing] + \
            [f"页面文件与标注的 sha256 不一致 {m}" for m in self.mismatched]


def _read_labels(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_corpus(*, shared: Path | None = None, extra: Path | None = None,
                labels: Path | None = None) -> Corpus:
    """Every labelled page whose bytes are present and match; the others are listed in
    ``missing`` / ``mismatched``."""
    shared = shared if shared is not None else shared_realpages_dir()
    extra = extra if extra is not None else realcorpus_dir()
    labels = labels if labels is not None else PROJECT_LABELS
    corpus = Corpus()
    sources: list[tuple[str, Path, Path]] = []
    if (shared / "labels.jsonl").is_file():
        sources.append(("shared", shared / "labels.jsonl", shared / "pages"))
    else:
        corpus.missing.append(f"{shared / 'labels.jsonl'}: 共享标注页面集不存在")
    if labels.is_file():
        sources.append(("project", labels, extra / "pages"))
    seen: set[str] = set()
    for source, label_file, pages in sources:
        for label in _read_labels(label_file):
            pid = label["id"]
            if pid in seen:
                raise ValueError(f"标注 id 重复：{pid}（{label_file}）")
            seen.add(pid)
            path = pages / f"{pid}.html"
            if not path.is_file():
                corpus.missing.append(f"{pid}: {path}")
                continue
            want = label.get("sha256")
            if want and hashlib.sha256(path.read_bytes()).hexdigest() != want:
                corpus.mismatched.append(f"{pid}: {path}")
                continue
            corpus.pages.append(CorpusPage(label, path, source))
    return corpus
