"""The whole round against the demo network's manifest: per planted kind and per rule, true
positives, false positives, false negatives, precision and recall.

``evaluate()`` runs ``govinspect demo`` in a subprocess (default network: seed 20220630, all
53 sites, scale 1, faults on; ``GOVINSPECT_EVAL_SITES`` / ``GOVINSPECT_EVAL_SCALE`` shrink it
for quick runs) into ``eval/out/demo`` and compares ``reports/2022Q2/findings.json`` with
``network/manifest.json``. Which rules answer which kind, and on which keys a finding matches
an entry, is data: ``demo_kinds.yaml`` beside this file.

The matcher (``match``) and the table builder (``tables``) are pure; only ``run_demo`` and
``evaluate`` touch processes and files.

Counting (see docs/eval.md):
* an entry is found (TP) when at least one finding of the kind's rules matches it, else FN;
* a finding that matches no positive entry of any kind its rule serves is unplanted — a false
  positive of that rule, and of every kind the rule serves (shown on each of their rows);
* a finding at a look-alike (negative entry) is a false positive, also listed per look-alike.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from govinspect.eval import Table, pct, prf

DEFAULT_SEED = 20220630
OUT_DIR = Path("eval/out/demo")
ROUND = "2022Q2"
MATCH_MODES = ("url", "parent_url+url", "site")
# How a kind compares the entry's ``text`` with the finding: the offending string (default),
# not at all (url only), or the entry's ``links`` against the finding's outbound hosts (dark
# links: the entry's text is the raw hidden HTML, the finding's is the block's visible text).
TEXT_MODES = ("compare", "none", "links")
NO_RULE = "尚无规则"
EXAMPLES = 5  # unplanted findings listed per rule in the notes


@dataclass(frozen=True)
class KindSpec:
    rules: tuple[str, ...]
    match: str = "url"
    negative: bool = False  # a look-alike kind (the manifest's own flag wins when present)
    text: str = "compare"  # one of TEXT_MODES
    item: str | None = None  # when set, the finding's item (problem) must be this one


def load_kinds(text: str | None = None) -> dict[str, KindSpec]:
    """``demo_kinds.yaml`` (or the given YAML text) → kind → spec; bad rows raise ValueError
    with a Chinese message naming the row."""
    if text is None:
        text = resources.files("govinspect.eval").joinpath("demo_kinds.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    rows = data.get("kinds") if isinstance(data, dict) else None
    if not isinstance(rows, dict):
        raise ValueError("demo_kinds.yaml：缺少顶层 kinds 映射")
    out = {}
    for kind, row in rows.items():
        if not isinstance(row, dict) or not isinstance(row.get("rules"), list):
            raise ValueError(f"demo_kinds.yaml：{kind} 应为 {{rules: [规则编号], match: …}}")
        mode = row.get("match", "url")
        if mode not in MATCH_MODES:
            raise ValueError(f"demo_kinds.yaml：{kind} 的 match “{mode}” 无效，"
                             f"应为 {' | '.join(MATCH_MODES)}")
        text_mode = row.get("text", "compare")
        if text_mode not in TEXT_MODES:
            raise ValueError(f"demo_kinds.yaml：{kind} 的 text “{text_mode}” 无效，"
                             f"应为 {' | '.join(TEXT_MODES)}")
        item = row.get("item")
        if item is not None and not isinstance(item, str):
            raise ValueError(f"demo_kinds.yaml：{kind} 的 item 应为一个问题项名称")
        out[str(kind)] = KindSpec(tuple(str(r) for r in row["rules"]), mode,
                                  bool(row.get("negative", False)), text_mode, item)
    return out


# --- matching (pure) ------------------------------------------------------------------------


def norm_url(url: str | None) -> str:
    """Host lower-cased, default port, empty path and fragment dropped."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port not in (None, 80) else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def text_matches(found: str | None, planted: str | None) -> bool:
    """The finding's text is the planted text: equal (whitespace ignored), one contains the
    other (evidence cut short, a term inside a longer planted phrase), or equal up to the ``*``
    with which privacy evidence is masked (``3411**********148X`` for the full number)."""
    f, p = _squash(found), _squash(planted)
    if not f or not p:
        return False
    if len(f) == len(p) and all(a == b or a == "*" for a, b in zip(f, p, strict=True)):
        return True
    return f in p or p in f


def finding_matches(finding: Mapping, entry: Mapping, mode: str, text: str = "compare",
                    item: str | None = None) -> bool:
    if finding.get("site") != entry.get("site"):
        return False
    if item is not None and finding.get("item") != item:
        return False
    if mode == "site":
        return True
    if norm_url(finding.get("url")) != norm_url(entry.get("url")):
        return False
    if mode == "parent_url+url" and (
            norm_url(finding.get("parent_url")) != norm_url(entry.get("parent_url"))):
        return False
    details = finding.get("details") or {}
    if text == "links":
        planted_hosts = {urlsplit(u).hostname for u in entry.get("links") or ()} - {None}
        return not planted_hosts or bool(planted_hosts & set(details.get("hosts") or ()))
    planted_text = entry.get("text")
    if planted_text and text == "compare":  # the offending string, not offsets (other texts)
        return text_matches(details.get("text"), planted_text)
    return True


@dataclass
class KindResult:
    kind: str
    indicator: str | None
    rules: tuple[str, ...]
    negative: bool
    planted: int = 0
    found: int = 0  # positive: entries matched (TP); look-alike: entries flagged
    at_lookalike: int = 0  # look-alike only: findings at its entries
    unplanted: int = 0  # positive: unplanted findings of its rules (shared between kinds)

    @property
    def tp(self) -> int:
        return 0 if self.negative else self.found

    @property
    def fn(self) -> int:
        return 0 if self.negative else self.planted - self.found

    @property
    def fp(self) -> int:
        return self.at_lookalike if self.negative else self.unplanted


@dataclass
class RuleResult:
    rule: str
    findings: int = 0
    matched: int = 0  # findings matching a positive entry of a kind of this rule
    at_lookalike: int = 0
    unplanted: list[dict] = field(default_factory=list)  # includes look-alike hits
    planted: int = 0  # positive entries of kinds this rule serves
    found: int = 0
    mapped: bool = True

    @property
    def fp(self) -> int:
        return len(self.unplanted)


@dataclass
class Evaluation:
    kinds: list[KindResult]
    rules: list[RuleResult]


def match(entries: Iterable[Mapping], findings: Iterable[Mapping],
          kinds: Mapping[str, KindSpec]) -> Evaluation:
    """Compare a round's findings with the manifest entries (pure)."""
    entries, findings = list(entries), list(findings)
    by_kind: dict[str, list[Mapping]] = {}
    for e in entries:
        by_kind.setdefault(e["kind"], []).append(e)
    # Negative: as the manifest says; for kinds this network did not plant, as the YAML says.
    negative = {k: spec.negative for k, spec in kinds.items()}
    negative.update({k: bool(es[0].get("negative")) for k, es in by_kind.items()})
    served: dict[str, list[str]] = {}  # rule → kinds
    for kind, spec in kinds.items():
        for rule in spec.rules:
            served.setdefault(rule, []).append(kind)
    by_rule: dict[str, list[Mapping]] = {}
    for f in findings:
        by_rule.setdefault(f.get("rule", ""), []).append(f)

    def hits(f: Mapping, kind: str) -> list[int]:
        spec = kinds[kind]
        return [i for i, e in enumerate(by_kind.get(kind, ()))
                if finding_matches(f, e, spec.match, spec.text, spec.item)]

    found: dict[str, set[int]] = {}
    found_by_rule: dict[str, set[tuple[str, int]]] = {}  # rule → (kind, entry) it matched
    at_lookalike: dict[str, int] = {}  # look-alike kind → findings at its entries
    rule_results: dict[str, RuleResult] = {}
    for rule, fs in by_rule.items():
        rr = rule_results[rule] = RuleResult(rule, findings=len(fs), mapped=rule in served)
        for f in fs:
            positive, lookalike = {}, {}
            for kind in served.get(rule, ()):
                idx = hits(f, kind)
                if idx:
                    (lookalike if negative.get(kind) else positive)[kind] = idx
            # A finding matching a real entry is not also blamed on a look-alike beside it
            # (the masked evidence of a real ID reads like the masked look-alike).
            if positive:
                rr.matched += 1
                for kind, idx in positive.items():
                    found.setdefault(kind, set()).update(idx)
                    found_by_rule.setdefault(rule, set()).update((kind, i) for i in idx)
                continue
            rr.unplanted.append(dict(f))
            if lookalike:
                rr.at_lookalike += 1
                for kind, idx in lookalike.items():
                    found.setdefault(kind, set()).update(idx)
                    at_lookalike[kind] = at_lookalike.get(kind, 0) + 1

    kind_results = []
    for kind in sorted(set(by_kind) | set(kinds), key=lambda k: (
            bool(negative.get(k)), k not in kinds, _natural(_indicator(by_kind.get(k))), k)):
        spec = kinds.get(kind, KindSpec(()))
        kr = KindResult(kind, _indicator(by_kind.get(kind)), spec.rules,
                        bool(negative.get(kind)), planted=len(by_kind.get(kind, ())),
                        found=len(found.get(kind, ())))
        if kr.negative:
            kr.at_lookalike = at_lookalike.get(kind, 0)
        else:
            kr.unplanted = sum(len(rule_results[r].unplanted) for r in spec.rules
                               if r in rule_results)
        kind_results.append(kr)
    for rule in set(served) | set(rule_results):
        rr = rule_results.setdefault(rule, RuleResult(rule, mapped=rule in served))
        positive = [k for k in served.get(rule, ()) if not negative.get(k)]
        rr.planted = sum(len(by_kind.get(k, ())) for k in positive)
        rr.found = len(found_by_rule.get(rule, ()))
    return Evaluation(kind_results, sorted(rule_results.values(), key=lambda r: r.rule))


def _indicator(entries: list[Mapping] | None) -> str | None:
    return entries[0].get("indicator") if entries else None


def _natural(indicator: str | None) -> tuple:
    """W-D4 before W-D12; kinds without an indicator last."""
    if not indicator:
        return ((1, ""),)
    return tuple((0, int(p)) if p.isdigit() else (0, p) for p in re.split(r"(\d+)", indicator))


# --- tables (pure) --------------------------------------------------------------------------


def _describe(f: Mapping) -> str:
    text = (f.get("details") or {}).get("text") or ""
    where = f.get("url") or ""
    if f.get("parent_url"):
        where = f"{f['parent_url']} → {where}"
    return f"{f.get('site')} {where}" + (f"：“{text[:40]}”" if text else "") + \
        f"（{(f.get('message') or '')[:60]}）"


def tables(result: Evaluation, setting: str) -> list[Table]:
    kind_rows, notes = [], [setting]
    for k in result.kinds:
        if k.negative:
            continue
        p, r = prf(k.tp, k.fp, k.fn)
        rules = ", ".join(k.rules) if k.rules else NO_RULE
        if not k.planted:
            rules += "（本次网络未预设）"
        kind_rows.append([k.kind, k.indicator or "—", rules, k.planted, k.tp, k.fp, k.fn,
                          pct(p), pct(r)])
    no_rule = [k.kind for k in result.kinds if not k.negative and not k.rules and k.planted]
    if no_rule:
        notes.append(f"{NO_RULE}（召回率记 0）：{'、'.join(no_rule)}。")
    notes.append("TP：被所列规则的报出命中的预设条目；FN：未命中的条目；FP：这些规则中不对应任何"
                 "预设条目的报出（含报在反例上的），同一规则服务多个类型时在每一行都计入。")
    notes.append("匹配：网站标识码必同；url / parent_url+url 按 demo_kinds.yaml；有 text 的条目另须"
                 "报出文本与预设文本一致（忽略空白，允许一方包含另一方或脱敏星号），不比较偏移量。")

    look_rows = []
    for k in result.kinds:
        if k.negative:
            look_rows.append([k.kind, k.indicator or "—", ", ".join(k.rules) or NO_RULE,
                              k.planted, k.found, k.at_lookalike])

    rule_rows, rule_notes = [], [setting]
    for r in result.rules:
        p, rec = prf(r.matched, r.fp, r.planted - r.found)
        rec = prf(r.found, 0, r.planted - r.found)[1]
        rule_rows.append([r.rule if r.mapped else f"{r.rule}（未映射）", r.findings, r.matched,
                          r.at_lookalike, r.fp - r.at_lookalike, pct(p), r.planted, r.found,
                          pct(rec)])
        for f in r.unplanted[:EXAMPLES]:
            rule_notes.append(f"{r.rule} 未预设报出：{_describe(f)}")
        if r.fp > EXAMPLES:
            rule_notes.append(f"{r.rule} 另有 {r.fp - EXAMPLES} 条未预设报出，见 eval/out/demo。")
    rule_notes.append("精确率 = 命中预设的报出 / 全部报出；召回率 = 被命中的预设条目 / 该规则所服务"
                      "类型的全部预设条目。未映射的规则，其报出全部计为误报。")
    return [
        Table(name="demo.kinds", title="示例网站群：各类预设问题的检出情况",
              columns=["类型", "指标", "规则", "预设", "TP", "FP", "FN", "精确率", "召回率"],
              rows=kind_rows, notes=notes),
        Table(name="demo.lookalikes", title="示例网站群：反例（不应报出）上的误报",
              columns=["反例类型", "指标", "规则", "反例数", "被报出的反例", "报在反例上的报出"],
              rows=look_rows, notes=[setting]),
        Table(name="demo.rules", title="示例网站群：各规则的报出",
              columns=["规则", "报出", "命中预设", "报在反例上", "未预设", "精确率",
                       "所服务类型的预设", "被命中", "召回率"],
              rows=rule_rows, notes=rule_notes),
    ]


# --- I/O shell ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSetting:
    seed: int = DEFAULT_SEED
    sites: int | None = None  # None: all 53
    scale: float = 1.0
    faults: bool = True

    def describe(self) -> str:
        sites = "全部 53 家" if self.sites is None else f"前 {self.sites} 家"
        return (f"示例网站群：种子 {self.seed}，网站 {sites}，规模 scale={self.scale:g}，"
                f"故障模拟{'开' if self.faults else '关'}（govinspect demo，{ROUND}）")


def setting_from_env(env: Mapping[str, str] = os.environ) -> DemoSetting:
    try:
        sites = int(env["GOVINSPECT_EVAL_SITES"]) if env.get("GOVINSPECT_EVAL_SITES") else None
        scale = float(env.get("GOVINSPECT_EVAL_SCALE") or 1.0)
    except ValueError:
        raise ValueError("环境变量 GOVINSPECT_EVAL_SITES 应为整数、GOVINSPECT_EVAL_SCALE 应为数字"
                         ) from None
    return DemoSetting(sites=sites, scale=scale)


def run_demo(setting: DemoSetting, out: Path = OUT_DIR) -> tuple[list[dict], list[dict]]:
    """Run ``govinspect demo`` into ``out``; return (manifest entries, findings)."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "govinspect.cli", "demo", "--out", str(out),
           "--seed", str(setting.seed), "--scale", str(setting.scale),
           "--faults" if setting.faults else "--no-faults"]
    if setting.sites is not None:
        cmd += ["--sites", str(setting.sites)]
    env = {k: v for k, v in os.environ.items() if k != "GOVINSPECT_DATABASE_URL"}
    log = out.parent / f"{out.name}.log"
    print(f"运行示例网站群检查（{setting.describe()}），日志：{log}", file=sys.stderr, flush=True)
    with open(log, "w", encoding="utf-8") as fh:
        done = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False)
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"govinspect demo 失败（退出码 {done.returncode}），日志 {log}：\n{tail}")
    manifest = json.loads((out / "network" / "manifest.json").read_text(encoding="utf-8"))
    findings = json.loads((out / "reports" / ROUND / "findings.json").read_text(encoding="utf-8"))
    return manifest["entries"], findings


def evaluate() -> list[Table]:
    setting = setting_from_env()
    entries, findings = run_demo(setting)
    result = match(entries, findings, load_kinds())
    return tables(result, setting.describe() + f"；报出 {len(findings)} 条，预设条目 {len(entries)} 条")


if __name__ == "__main__":
    for t in evaluate():
        print(t.title, *t.rows, *t.notes, sep="\n")
