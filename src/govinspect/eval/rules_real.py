"""Rule precision on real content (issue 15): every page-scope rule and the text checks run over
every real page available (``govinspect.eval.corpus``: the shared pages, always present, plus
the team's gathered pages when their bytes are there) and over the real text sets in
``../shared/data``; every finding is looked up in the hand-judged file
``tests/realcorpus/judged.jsonl``.

A judged entry is ``{"source", "rule", "fingerprint", "verdict", "reason", "message",
"context"}``; ``verdict`` is ``"true"`` (a real problem, read on the page) or ``"false"`` (a
known false alarm, kept until the rule is fixed so that precision is measured honestly).
``tests/rules/test_real_gate.py`` fails on any finding that is not judged, and on a judged
false alarm that no longer fires (the file must follow the fixes). ``make eval`` prints
per-rule precision (judged true / findings).

Each page is analysed as a one-page site (its own host, its label's 网站标识码) by the same
``analyse_round_pages`` a round uses. Rules that judge a whole site, a roster entry or the
round's reference time cannot be judged on one page; they are listed in ``SITE_SCOPE`` with
the reason and are measured on whole sites (demo network, real-site rounds) instead.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from govinspect.core.types import CaptureRecord, Finding, SiteKind, SiteRef
from govinspect.eval import Table, pct
from govinspect.eval.corpus import PROJECT_ROOT, Corpus, CorpusPage, load_corpus

JUDGED = PROJECT_ROOT / "tests" / "realcorpus" / "judged.jsonl"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
# Pages carry their own dates; the reference time only matters to the rules left out below.
REFERENCE_TIME = datetime(2026, 12, 1, tzinfo=UTC)

_WHOLE_SITE = "judges the whole site (its column tree or all its pages), not one page"
_TIME = "judged against the round's reference time; a stored page has no capture time"
SITE_SCOPE: dict[str, str] = {
    "GI-A001": "homepage availability probes over the round",
    "GI-B001": _TIME, "GI-C001": _TIME, "GI-C002": _TIME, "GI-C003": _TIME,
    "GI-C004": _TIME, "GI-C005": _TIME, "GI-C006": _WHOLE_SITE, "GI-C007": _WHOLE_SITE,
    "GI-C008": _WHOLE_SITE, "GI-H001": _TIME, "GI-I002": _WHOLE_SITE, "GI-I003": _TIME,
    "GI-I005": _WHOLE_SITE, "GI-L001": "needs the collector's link checks",
    "GI-N002": "needs the collector's trap notes", "GI-N003": "needs homepage probes",
    "GI-O002": _TIME, "GI-O003": _WHOLE_SITE,
    "GI-R001": "needs the site-search probe", "GI-R002": "needs the site-search probe",
    "GI-R003": "needs the site-search probe",
    "GI-W001": "judges the roster entry (site kind, portal hosts), not a page",
    "GI-X001": "needs the transport probe", "GI-X002": "needs the transport probe",
    "GI-D003": "needs earlier rounds' captures", "GI-D004": "needs the attachments' captures",
}
SITE_SCOPE_PREFIXES = ("GI-NM",)  # new-media rules read accounts, not pages


def in_scope(rule_id: str) -> bool:
    return rule_id not in SITE_SCOPE and not rule_id.startswith(SITE_SCOPE_PREFIXES)


@dataclass(frozen=True)
class RealFinding:
    source: str  # page id, or "<text set>#<n>"
    finding: Finding

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.finding.rule_id, self.finding.fingerprint)

    def as_judgement(self, verdict: str = "", reason: str = "") -> dict:
        f = self.finding
        return {"source": self.source, "rule": f.rule_id, "fingerprint": f.fingerprint,
                "verdict": verdict, "reason": reason, "message": f.message,
                "context": (f.evidence.context or "")[:160]}


def _page_url(label: dict) -> str:
    return label.get("url") or f"http://unknown.invalid/page/{label['id']}"


def page_site(label: dict) -> SiteRef:
    """The one-page site a corpus page is analysed as."""
    url = _page_url(label)
    parts = urlsplit(url)
    home = url if label.get("page_type") == "home" else f"{parts.scheme}://{parts.hostname}/"
    # label "site" reads "西安市人民政府 (www.xa.gov.cn)": the name is the part before the host
    name = re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", label.get("site") or "") or label["id"]
    return SiteRef(code=label["id"], name=name, homepage=home,
                   kind=SiteKind.PORTAL, hosts=(parts.hostname or "",))


def page_findings(page: CorpusPage, *, spelling: bool = True) -> list[Finding]:
    """Every in-scope finding of the round's analysis on one real page (plus the statistical
    错别字 pass, which rounds leave to ``check-text``)."""
    from govinspect.core.indicator_sets import load_indicator_set
    from govinspect.rules.analyse import PageInput, RoundContext, analyse_round_pages

    label = page.label
    site = page_site(label)
    url = _page_url(label)
    capture = CaptureRecord(site_code=site.code, url=url, final_url=url, status=200,
                            content_type="text/html", fetched_at=REFERENCE_TIME.isoformat(),
                            depth=0 if label.get("page_type") == "home" else 1,
                            parent_url=None, warc_file="", warc_offset=0, digest="")
    ctx = RoundContext(reference_time=REFERENCE_TIME,
                       indicator_set=load_indicator_set("national-2019"), round_name="real")
    body = page.read()
    found = analyse_round_pages([site], [PageInput(capture, body)], [], ctx)[site.code]
    if spelling:
        from govinspect.extract import extract_page
        from govinspect.rules.text import check_spelling

        facts = extract_page(body, url, REFERENCE_TIME)
        found += check_spelling(facts.main_text, url=url, subject=site.code)
    return [f for f in found if in_scope(f.rule_id)]


def text_set_findings() -> list[RealFinding]:
    """错敏词, privacy and referral checks over real official sentences: the 人民日报 clean set
    and the ECSpell 公文 sentences (sources). The statistical 错别字 pass on these sets is
    measured by ``govinspect.eval.text`` (F1 and false-alarm rate), not judged one by one.
    The sentences carry no date (``as_of=None``): institution names, which are right or wrong
    by the document's date, are judged on the pages, which have one."""
    from govinspect.rules.text import check_text

    out: list[RealFinding] = []
    rmrb = SHARED_DATA / "clean-official" / "acc_rmrb.json"
    if rmrb.is_file():
        rows = json.loads(rmrb.read_text(encoding="utf-8"))
        for n, row in enumerate(rows):
            text = row["original_text"]
            for f in check_text(text, subject=f"rmrb#{n}", with_spelling=False, as_of=None):
                out.append(RealFinding(f"rmrb#{n}", f))
    odw = SHARED_DATA / "ecspell" / "odw.train.tsv"
    if odw.is_file():
        for n, line in enumerate(odw.read_text(encoding="utf-8").splitlines()):
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            for f in check_text(cols[1], subject=f"odw#{n}", with_spelling=False, as_of=None):
                out.append(RealFinding(f"odw#{n}", f))
    return out


def all_findings(corpus: Corpus | None = None, *, spelling: bool = True,
                 text_sets: bool = True) -> list[RealFinding]:
    corpus = corpus if corpus is not None else load_corpus()
    out = [RealFinding(p.id, f) for p in corpus.pages
           for f in page_findings(p, spelling=spelling)]
    if text_sets:
        out += text_set_findings()
    return out


def load_judged(path: Path = JUDGED) -> dict[tuple[str, str, str], dict]:
    if not path.is_file():
        return {}
    judged: dict[tuple[str, str, str], dict] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("verdict") not in ("true", "false") or not row.get("reason"):
                raise ValueError(f"{path}:{n}: verdict must be true/false, with a reason")
            judged[(row["source"], row["rule"], row["fingerprint"])] = row
    return judged


@dataclass
class GateResult:
    unjudged: list[RealFinding]
    false_alarms: list[RealFinding]
    stale: list[dict]  # judged entries whose source was checked but that no longer fire
    per_rule: dict[str, Counter]


def gate(findings: list[RealFinding], sources: set[str],
         judged: dict[tuple[str, str, str], dict] | None = None) -> GateResult:
    judged = judged if judged is not None else load_judged()
    per_rule: dict[str, Counter] = defaultdict(Counter)
    unjudged, false_alarms = [], []
    fired = set()
    for rf in findings:
        fired.add(rf.key)
        row = judged.get(rf.key)
        verdict = row["verdict"] if row else "unjudged"
        per_rule[rf.finding.rule_id][verdict] += 1
        if row is None:
            unjudged.append(rf)
        elif verdict == "false":
            false_alarms.append(rf)
    stale = [row for key, row in judged.items() if key[0] in sources and key not in fired]
    return GateResult(unjudged, false_alarms, stale, per_rule)


def sources_checked(corpus: Corpus, text_sets: bool = True) -> set[str]:
    """The sources whose findings a run covers: pages present, and text-set items."""
    out = {p.id for p in corpus.pages}
    if text_sets:
        out |= {key[0] for key in load_judged() if "#" in key[0]}
    return out


def evaluate() -> list[Table]:
    corpus = load_corpus()
    findings = all_findings(corpus)
    result = gate(findings, sources_checked(corpus))
    rows = []
    for rule_id in sorted(result.per_rule):
        c = result.per_rule[rule_id]
        total = sum(c.values())
        rows.append([rule_id, total, c["true"], c["false"], c["unjudged"],
                     pct(c["true"] / total if total else None)])
    notes = [f"页面 {len(corpus.pages)} 个（共享 {sum(p.source == 'shared' for p in corpus.pages)}，"
             f"项目 {sum(p.source == 'project' for p in corpus.pages)}），缺少 {len(corpus.missing)} 个；"
             "文本集：人民日报无错句 + ECSpell 公文句（错敏词、隐私、商业媒体引导）。",
             f"未判定 {len(result.unjudged)} 条；已判定的误报 {len(result.false_alarms)} 条；"
             f"判定文件中已不再出现 {len(result.stale)} 条。",
             "不在单页范围内的规则（需要全站、轮次时间或采集探测）："
             + "、".join(sorted(SITE_SCOPE)) + "、GI-NM*。"]
    return [Table(name="real.rules", title="规则在真实页面和真实文本上的准确率（人工判定）",
                  columns=["规则", "结论数", "判定为真", "误报", "未判定", "准确率"],
                  rows=rows, notes=notes)]


def main(argv: list[str]) -> int:
    """``python -m govinspect.eval.rules_real --dump``: print every unjudged finding as a
    judged-file line with an empty verdict, for a person to judge by reading the page."""
    corpus = load_corpus()
    result = gate(all_findings(corpus), sources_checked(corpus))
    for rf in result.unjudged:
        print(json.dumps(rf.as_judgement(), ensure_ascii=False))
    for row in result.stale:
        print("STALE", json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
