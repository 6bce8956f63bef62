"""Re-collect some sites of a finished collect: their rows replaced by a fresh crawl's.

``round run --recollect SITE…`` crawls the named sites again into a fresh collect folder (an
ordinary one: an interrupted crawl there resumes like any other), then
``merge_recollected`` puts the result into the round's finished collect folder:

- ``warc/``: the fresh folder's files hard-linked as ``govinspect-<tag>-XXXXX.warc.gz`` (the
  earlier files stay: other sites' captures point into them);
- every ``*.jsonl`` output: the rows of the other sites kept, the named sites' rows replaced by
  the fresh ones (``warc_file`` renamed to match);
- ``summary.json``: the named sites' entries and notes replaced, the totals adjusted; written
  last.

Idempotent: every file is computed from (earlier rows without the named sites) + (fresh rows)
and written whole (write, rename), so a kill midway and the same merge again give the same
folder.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from govinspect.collect.options import CollectSummary

_STATE_FILES = {"journal.jsonl", "links.pending.jsonl"}


def _link(src: Path, dst: Path) -> None:
    if dst.exists():
        return
    try:
        os.link(src, dst)
    except OSError:  # another file system: copy (then rename, so a kill leaves no half file)
        part = dst.with_name(dst.name + ".part")
        shutil.copyfile(src, part)
        os.replace(part, dst)


def merge_recollected(out_dir: Path, fresh: Path, codes: set[str], tag: str) -> CollectSummary:
    """Replace the rows of the sites ``codes`` in the finished collect folder ``out_dir`` by
    those of the finished collect folder ``fresh`` (the same sites crawled again)."""
    from govinspect.collect.crawl import SUMMARY, _atomic_write, read_summary

    out_dir, fresh = Path(out_dir), Path(fresh)
    before = read_summary(out_dir)
    again = read_summary(fresh)
    warc_dir = out_dir / "warc"
    warc_dir.mkdir(exist_ok=True)
    names: dict[str, str] = {}
    for name in again.warc_files:
        merged = name.replace("govinspect-", f"govinspect-{tag}-", 1)
        _link(fresh / "warc" / name, warc_dir / merged)
        names[name] = merged

    outputs = sorted({p.name for d in (out_dir, fresh) for p in d.glob("*.jsonl")}
                     - _STATE_FILES)
    for name in outputs:
        part = out_dir / (name + ".part")
        with open(part, "w", encoding="utf-8", buffering=1 << 20) as dst:
            if (out_dir / name).exists():
                with open(out_dir / name, encoding="utf-8") as src:
                    for line in src:
                        if line.strip() and json.loads(line).get("site_code") not in codes:
                            dst.write(line)
            if (fresh / name).exists():
                with open(fresh / name, encoding="utf-8") as src:
                    for line in src:
                        if not line.strip():
                            continue
                        row = json.loads(line)
                        if "warc_file" in row:
                            row["warc_file"] = names.get(row["warc_file"], row["warc_file"])
                        dst.write(json.dumps(row, ensure_ascii=False) + "\n")
        os.replace(part, out_dir / name)

    old = {c: s for c, s in before.sites.items() if c in codes}
    sites = {**before.sites, **{c: s for c, s in again.sites.items() if c in codes}}
    marks = tuple(f"（{c}）" for c in codes)
    notes = [n for n in before.notes if not any(m in n for m in marks)]
    notes += [n for n in again.notes if n not in notes]
    when = datetime.now(UTC).isoformat(timespec="seconds")
    summary = CollectSummary(
        out_dir=str(out_dir), started_at=before.started_at, finished_at=when,
        elapsed_s=before.elapsed_s,
        pages_total=(before.pages_total - sum(s.pages for s in old.values())
                     + sum(s.pages for c, s in again.sites.items() if c in codes)),
        link_checks_total=(before.link_checks_total - sum(s.link_checks for s in old.values())
                           + sum(s.link_checks for c, s in again.sites.items() if c in codes)),
        targets_checked=before.targets_checked + again.targets_checked,
        warc_files=[*(w for w in before.warc_files if w not in names.values()),
                    *names.values()],
        sites=sites, notes=notes, resumed=before.resumed)
    _atomic_write(out_dir / SUMMARY, json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    return summary
