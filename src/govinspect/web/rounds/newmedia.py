"""New media in a round: fetch each account's feed, read the inspectors' workbook, run the
new-media rules, store what they find. The I/O shell around ``rules.newmedia``.

collect_accounts  sources (账号标识码 → feed / Weibo JSON address) → raw bytes under
                  ``rounds/<round>/newmedia/`` (re-analysis needs no network)
analyse_accounts  raw bytes + inspection .xlsx + 转载任务 → the account-scope rules
                  (rules/engine.py, ``Scope.ACCOUNT``) →
                  * AccountCheck rows (last post, interaction, menus);
                  * Finding rows (NM-V1, NM-L1, NM-D*);
                  * ``newmedia/findings.json``: every account-scope finding, also those about
                    accounts that are not in the roster (擅自开设), which the database cannot
                    hold.
account_findings  what the round found about accounts, for findings.json and the evaluation.

NM-V2 (GI-NM001) and NM-V3 (GI-NM102) are manual-scope rules: they judge the round's
AccountCheck rows (last post, interaction), collected here or entered by hand, when the round
is scored, so an account is named once whichever way its check was recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml
from django.db import transaction
from django.utils import timezone

from govinspect.collect.newmedia import (
    NewMediaFormatError,
    parse_feed,
    parse_weibo_json,
    read_inspection_xlsx,
)
from govinspect.collect.newmedia.fetch import FetchError, PoliteClient
from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.newmedia import (
    AccountFacts,
    AccountRef,
    InspectionRecord,
    facts_from_posts,
    platform_of,
    shanghai,
)
from govinspect.core.types import Confidence, Evidence
from govinspect.core.types import Finding as CoreFinding
from govinspect.rules.base import Scope
from govinspect.rules.engine import run_scope
from govinspect.rules.inputs import AccountsInput, ManualInput, RoundContext
from govinspect.rules.newmedia import RepostTask
from govinspect.web.review.models import AccountCheck
from govinspect.web.roster.models import Account
from govinspect.web.rounds.models import Finding as FindingRow
from govinspect.web.rounds.models import ReviewState, Round
from govinspect.web.rounds.persist import save_findings

METHODS = ("feed", "weibo")  # 采集方式: RSS/Atom/JSON Feed, or Weibo mobile JSON
ENTERED_BY = "自动采集"


class NewMediaRoundError(Exception):
    """The office must fix an input file (message in Chinese, naming file and row)."""


def newmedia_dir(round_: Round) -> Path:
    from govinspect.web.rounds.services import round_dir

    return round_dir(round_) / "newmedia"


# ── inputs ───────────────────────────────────────────────────────────────────────────────

def read_sources(path: Path | str) -> dict[str, tuple[str, str]]:
    """``账号标识码,采集方式,地址`` (UTF-8 CSV) → {code: (method, url)}; 采集方式 is ``feed`` or
    ``weibo``. Any bad row ⇒ NewMediaRoundError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NewMediaRoundError(f"{path.name}：无法读取采集地址表（{exc}）") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0][:3]] != ["账号标识码", "采集方式", "地址"]:
        raise NewMediaRoundError(f"{path.name}：第1行应为表头“账号标识码,采集方式,地址”")
    out, problems = {}, []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        code, method, url = ([c.strip() for c in row] + ["", "", ""])[:3]
        if method not in METHODS:
            problems.append(f"{path.name} 第{n}行“采集方式”：应为 feed 或 weibo，收到“{method}”")
        elif not url.startswith(("http://", "https://")):
            problems.append(f"{path.name} 第{n}行“地址”：应以 http:// 或 https:// 开头")
        elif code.upper() in out:
            problems.append(f"{path.name} 第{n}行“账号标识码”：“{code}”重复")
        else:
            out[code.upper()] = (method, url)
    if problems:
        raise NewMediaRoundError("\n".join(problems))
    return out


def read_repost_tasks(path: Path | str) -> list[RepostTask]:
    """``tasks: [{title, deadline, source?, issued?, platforms?, accounts?}]`` (YAML; times
    ISO 8601, China time when without zone)."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NewMediaRoundError(f"{path.name}：无法读取转载任务（{exc}）") from None
    tasks, problems = [], []
    for n, item in enumerate(doc.get("tasks") or [], start=1):
        try:
            platforms = tuple(platform_of(p) for p in item.get("platforms") or ())
            if None in platforms:
                raise ValueError("平台名称无法识别")
            issued = item.get("issued")
            tasks.append(RepostTask(
                title=str(item["title"]), deadline=_when(item["deadline"]),
                source=str(item.get("source") or ""),
                issued=_when(issued) if issued else None, platforms=platforms,
                accounts=tuple(str(c).upper() for c in item.get("accounts") or ())))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path.name} 第{n}项转载任务：{exc}（需要 title 和 deadline）")
    if problems:
        raise NewMediaRoundError("\n".join(problems))
    return tasks


def _when(value) -> dt.datetime:
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return shanghai(when)


# ── collect ──────────────────────────────────────────────────────────────────────────────

@dataclass
class AccountCollectSummary:
    fetched: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # code → reason (Chinese)

    def __str__(self) -> str:
        return f"政务新媒体采集：成功 {self.fetched} 个账号，失败 {len(self.failed)} 个"


def _via_resolve(url: str, resolve: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
    """With a closed-world resolve map: the URL on the host's address plus a Host header;
    a host not in the map fails like a DNS error (nothing goes to the outside network)."""
    if resolve is None:
        return url, {}
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    ip = resolve.get(host)
    if ip is None:
        raise FetchError(f"{url}：域名 {host} 无法解析（不在解析表中）")
    netloc = ip + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), {"Host": parts.netloc}


def collect_accounts(round_: Round, sources: Mapping[str, tuple[str, str]] | Path | str, *,
                     resolve: Mapping[str, str] | None = None,
                     client: PoliteClient | None = None,
                     progress: Callable[[str], None] | None = None) -> AccountCollectSummary:
    """Fetch the feed of every round account that has a source; store the raw answers.

    ``resolve`` (host → IP) keeps fetching inside a closed world (the demo, tests).
    ``client`` defaults to a polite client (5 s between requests to a host)."""
    from govinspect.web.review.services import round_accounts

    if not isinstance(sources, Mapping):
        sources = read_sources(sources)
    client = client or PoliteClient()
    out = newmedia_dir(round_) / "raw"
    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict] = {}
    summary = AccountCollectSummary()
    for account in round_accounts(round_).order_by("code"):
        source = sources.get(account.code)
        if source is None:
            continue
        method, url = source
        entry = {"method": method, "url": url,
                 "fetched_at": timezone.now().isoformat(timespec="seconds")}
        target = url
        try:
            target, headers = _via_resolve(url, resolve)
            data = client.get(target, headers=headers)
        except FetchError as exc:
            entry["error"] = str(exc).replace(target, url)  # name the address, not the IP
            summary.failed[account.code] = entry["error"]
        else:
            name = f"{account.code}.{'json' if method == 'weibo' else 'feed'}"
            (out / name).write_bytes(data)
            entry["file"] = name
            summary.fetched += 1
        index[account.code] = entry
        if progress:
            progress(account.code)
    tmp = out.parent / "index.json.part"
    tmp.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out.parent / "index.json")
    return summary


# ── analyse ──────────────────────────────────────────────────────────────────────────────

def _ref(a: Account) -> AccountRef:
    return AccountRef(a.code, platform_of(a.platform), a.name, a.certified_subject, a.filed,
                      a.unit.name, a.unit.region)


def _posts(round_: Round, code: str, entry: dict, problems: list[str]):
    raw = newmedia_dir(round_) / "raw" / entry["file"]
    captured = dt.datetime.fromisoformat(entry["fetched_at"])
    try:
        data = raw.read_bytes()
        if entry["method"] == "weibo":
            return parse_weibo_json(data, captured), captured
        return parse_feed(data, captured), captured
    except (OSError, NewMediaFormatError) as exc:
        problems.append(f"{code}（{entry['url']}）：{exc}")
        return None, captured


def build_facts(round_: Round, records: list[InspectionRecord]
                ) -> tuple[list[AccountFacts], list[InspectionRecord], list[str]]:
    """Facts of every round account (posts collected, joined with the hand records by code);
    records without a roster code; problems with stored raw answers (Chinese)."""
    from govinspect.web.review.services import round_accounts

    index_path = newmedia_dir(round_) / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {}
    by_code = {r.code.upper(): r for r in records if r.code}
    accounts = list(round_accounts(round_).select_related("unit").order_by("code"))
    known = {a.code for a in accounts}
    loose = [r for r in records if not r.code or r.code.upper() not in known]
    facts, problems = [], []
    for a in accounts:
        ref, record = _ref(a), by_code.get(a.code)
        extra = {}
        if record is not None:
            extra = {"last_post": record.last_post, "last_post_precision": record.last_post_precision,
                     "menus": record.menus, "interaction": record.interaction,
                     "url": record.url, "notes": record.notes}
        entry = index.get(a.code)
        posts = None
        if entry and entry.get("file"):
            posts, captured = _posts(round_, a.code, entry, problems)
        if posts is not None:
            extra.setdefault("url", entry["url"])
            extra["url"] = extra["url"] or entry["url"]
            facts.append(facts_from_posts(ref, posts, captured, **extra))
        else:
            facts.append(AccountFacts(account=ref, captured_at=record.checked_at if record else None,
                                      **extra))
    return facts, loose, problems


@dataclass
class AccountAnalysis:
    findings: list[CoreFinding]
    checks: int
    problems: list[str]

    def __str__(self) -> str:
        text = f"政务新媒体分析：{self.checks} 个账号，发现问题 {len(self.findings)} 条"
        return text + (f"，{len(self.problems)} 个账号的采集内容无法解析" if self.problems else "")


def analyse_accounts(round_: Round, *, inspection: Path | str | None = None,
                     tasks: Path | str | list[RepostTask] | None = None) -> AccountAnalysis:
    """Run every new-media rule over the round's accounts and store the results.

    ``inspection``: the inspectors' workbook (``collect.newmedia.read_inspection_xlsx``);
    a workbook with problems stops here and writes nothing. ``tasks``: the round's 转载任务
    (a YAML file or a list). Re-running replaces this round's unreviewed account findings."""
    records: list[InspectionRecord] = []
    if inspection is not None:
        records, problems = read_inspection_xlsx(inspection)
        if problems:
            raise NewMediaRoundError("\n".join(problems))
    if tasks is not None and not isinstance(tasks, list):
        tasks = read_repost_tasks(tasks)
    facts, loose, problems = build_facts(round_, records)
    t = round_.reference_time
    registry = [f.account for f in facts]
    ctx = RoundContext(reference_time=t, indicator_set=load_indicator_set(round_.indicator_set),
                       round_name=round_.name)
    findings = run_scope(Scope.ACCOUNT, AccountsInput(tuple(facts), tuple(tasks or ()),
                                                      tuple(loose), tuple(registry)), ctx)
    by_code = {a.code: a for a in Account.objects.filter(code__in=[f.account.code for f in facts])}
    stored: dict[str, list[CoreFinding]] = {code: [] for code in by_code}
    for f in findings:
        if f.subject in stored:
            stored[f.subject].append(f)
    with transaction.atomic():
        for fa in facts:
            _save_check(round_, by_code[fa.account.code], fa, t)
        for code, fs in stored.items():
            save_findings(round_, by_code[code], fs, prune=True)
    out = newmedia_dir(round_)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "findings.json.part"
    tmp.write_text(json.dumps([_as_json(f, f.subject in stored) for f in findings],
                              ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out / "findings.json")
    return AccountAnalysis(findings, len(facts), problems)


def _save_check(round_: Round, account: Account, facts: AccountFacts, t: dt.datetime) -> None:
    """Upsert the account's AccountCheck: a later last post or a recorded interaction wins;
    what a person entered is otherwise kept."""
    last = facts.last_post_at(t)
    menus = [{"menu": m.name, "last_updated": m.last_updated.isoformat() if m.last_updated
              else None, **({"empty": True} if m.empty else {})} for m in facts.menus]
    check = AccountCheck.objects.filter(round=round_, account=account).first()
    if check is None:
        if last is None and facts.interaction is None and not menus:
            return
        AccountCheck.objects.create(round=round_, account=account, last_post_at=last,
                                    interaction_ok=facts.interaction, menus=menus,
                                    entered_by=ENTERED_BY)
        return
    changed = False
    if last is not None and (check.last_post_at is None or last > check.last_post_at):
        check.last_post_at, changed = last, True
    if facts.interaction is not None and check.interaction_ok != facts.interaction:
        check.interaction_ok, changed = facts.interaction, True
    if menus and check.menus != menus:
        check.menus, changed = menus, True
    if changed:
        check.save()


def _as_json(f: CoreFinding, in_roster: bool) -> dict:
    return {"rule": f.rule_id, "indicator": f.indicator_id, "item": f.item,
            "subject": f.subject, "in_roster": in_roster, "url": f.evidence.url,
            "message": f.message, "confidence": f.confidence.value,
            "fingerprint": f.fingerprint, "details": f.details}


# ── what the round found ─────────────────────────────────────────────────────────────────

def account_findings(round_: Round) -> list[CoreFinding]:
    """Every open finding about accounts, as the 通报 sees them: stored findings (not
    dismissed), NM-V2 from the last-post times and NM-V3 from the interaction checks
    (``AccountCheck``, collected or imported), and the 擅自开设 findings about accounts that
    are not in the roster (from ``newmedia/findings.json``)."""
    from govinspect.web.review.services import interaction_findings
    from govinspect.web.rounds.notice import round_inputs

    iset = load_indicator_set(round_.indicator_set)
    out = [r.to_core() for r in FindingRow.objects.filter(round=round_, account__isnull=False)
           .exclude(review_state=ReviewState.DISMISSED).order_by("indicator_id", "id")]
    data = round_inputs(round_)
    ctx = RoundContext(reference_time=data.reference_time, indicator_set=iset,
                       round_name=round_.name)
    out += run_scope(Scope.MANUAL, ManualInput(accounts=tuple(data.accounts)), ctx)
    out += interaction_findings(round_, iset)
    side = newmedia_dir(round_) / "findings.json"
    if side.is_file():
        for item in json.loads(side.read_text(encoding="utf-8")):
            if item["in_roster"]:
                continue
            out.append(CoreFinding(rule_id=item["rule"], indicator_id=item["indicator"],
                                   subject=item["subject"], message=item["message"],
                                   evidence=Evidence(url=item["url"]), item=item["item"],
                                   confidence=Confidence(item["confidence"]),
                                   details=item["details"]))
    return out


def account_finding_rows(round_: Round) -> list[dict]:
    """``account_findings`` in the rows of the round's findings.json (``site`` holds the
    account's 标识码, or the name of an account not in the roster; ``subject_kind`` says
    these rows are about accounts)."""
    return [{"rule": f.rule_id, "indicator": f.indicator_id, "item": f.item, "site": f.subject,
             "subject_kind": "account", "url": f.evidence.url,
             "parent_url": f.evidence.parent_url, "message": f.message,
             "confidence": f.confidence.value, "fingerprint": f.fingerprint,
             "details": f.details} for f in account_findings(round_)]
