"""An office's local leaders roster → lexicon terms (misspelled names, wrong titles).

The national lists can never hold a city's 局长; an office writes its own roster in its
workspace (``WORKSPACE/lexicons/*.yaml``, key ``leaders``) and the terms are derived when the
lexicon loads, so matching stays one Aho-Corasick pass:

* misspelled names: the name with one character replaced by a same-pinyin (pypinyin's main
  reading, tones ignored) or look-alike (``data/shape_similar.txt``) common character. A
  variant that is itself a listed name, or whose changed character sits inside a frequent
  jieba word (梁建林 → 梁建立: "桥梁建立") or is a frequent word itself, is dropped. Variants of two-character names and
  variants with a changed surname (often a different, real person) only count next to a
  title or 同志.
* wrong titles: a leader title written right before a listed name that is not one of the
  roster's titles for that name (副市长梁建林 where 梁建林 is 市长). Dropping a qualifier is
  fine (副市长 for a 常务副市长, 书记 for a 市委书记); dropping 副 is not.

Deterministic: candidates are sorted, the jieba/pypinyin tables are fixed by the lock file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from govinspect.core.types import Confidence

# Leader titles looked for right before a listed name (an office's roster may add others).
TITLES = (
    "市长", "常务副市长", "副市长", "市委书记", "市委副书记", "区长", "常务副区长", "副区长",
    "区委书记", "区委副书记", "县长", "常务副县长", "副县长", "县委书记", "县委副书记",
    "镇长", "副镇长", "乡长", "副乡长", "书记", "副书记", "党组书记", "局长", "副局长",
    "主任", "副主任", "常务副主任", "处长", "副处长", "科长", "副科长", "馆长", "副馆长",
    "院长", "副院长", "主席", "副主席", "秘书长", "副秘书长", "部长", "副部长", "厅长",
    "副厅长", "社长", "副社长", "队长", "副队长", "检察长", "副检察长", "所长", "副所长",
)
CONTEXT = ("同志",)
# Text right before a wrong title that marks a historical mention (时任副市长梁建林).
HISTORICAL = ("原", "时任", "前任")
# A changed character inside a jieba word at least this frequent: the variant reads as ordinary
# text (梁建林 → 梁建立, 王建国 → 王建设), so it is dropped. Rarer words are kept: 王国君 is far
# more likely a misspelled 王国军 than text.
WORD_FREQ = 1000
# Replacement characters: anything jieba has seen a few times. Name characters (炜, 雯, 晖) are
# rare in running text, and a variant made of rare characters is never ordinary text.
MIN_CHAR_FREQ = 5
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")


@dataclass(frozen=True)
class Leader:
    name: str
    titles: tuple[str, ...]
    unit: str = ""


@dataclass(frozen=True)
class Variant:
    wrong: str
    needs_context: bool
    kind: str  # 音近 / 形近


class _Tables:
    def __init__(self) -> None:
        from pypinyin import lazy_pinyin

        from govinspect.lexicons import spelling

        m = spelling.model()
        self.freq = m.freq
        self.model = m
        self.common = sorted(c for c, f in m.char_freq.items() if f >= MIN_CHAR_FREQ)
        self.reading = dict(zip(self.common, lazy_pinyin(self.common), strict=True))
        self.by_sound: dict[str, list[str]] = {}
        for c in self.common:
            self.by_sound.setdefault(self.reading[c], []).append(c)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    return _Tables()


def _reading(c: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(c)[0]


@lru_cache(maxsize=4096)
def name_variants(name: str) -> tuple[Variant, ...]:
    """Misspellings of ``name`` worth matching, sorted (see the module docstring)."""
    t = _tables()
    out: dict[str, Variant] = {}
    for i, c in enumerate(name):
        cands: dict[str, str] = {d: "音近" for d in t.by_sound.get(_reading(c), ()) if d != c}
        for d in sorted(t.model.by_shape.get(c, ())):
            if d != c and d not in cands and t.model.char_freq.get(d, 0) >= MIN_CHAR_FREQ:
                cands[d] = "形近"
        for d, kind in sorted(cands.items()):
            wrong = name[:i] + d + name[i + 1:]
            # covering_word_freq includes the whole variant: a frequent word is dropped; the
            # many personal names jieba lists with a frequency of a few are not words.
            if t.model.covering_word_freq(wrong, i) >= WORD_FREQ:
                continue
            out[wrong] = Variant(wrong, needs_context=len(name) < 3 or i == 0, kind=kind)
    return tuple(out[k] for k in sorted(out))


def _acceptable(written: str, titles: tuple[str, ...]) -> bool:
    """``written`` is one of ``titles`` or one of them without a leading qualifier that is not
    副 (常务副市长 → 副市长 is fine, 副市长 → 市长 is not)."""
    return any(t == written or (t.endswith(written) and not t[:-len(written)].endswith("副"))
               for t in titles)


def roster_terms(leaders: list[Leader], *, category: str, source: str) -> list:
    """Lexicon terms for a roster (``engine.Term`` objects)."""
    from govinspect.lexicons.engine import SEVERE, Term

    titles_of: dict[str, list[str]] = {}
    for leader in leaders:
        known = titles_of.setdefault(leader.name, [])
        known.extend(t for t in leader.titles if t not in known)
    names = set(titles_of)
    all_titles = sorted(set(TITLES) | {t for ts in titles_of.values() for t in ts},
                        key=lambda s: (len(s), s))
    context = tuple(sorted(set(all_titles))) + CONTEXT
    window = max(len(s) for s in context)
    terms = []
    for name in sorted(titles_of):
        titles = tuple(titles_of[name])
        right = titles[0]
        for v in name_variants(name):
            if v.wrong in names:
                continue
            terms.append(Term(
                category=category, wrong=v.wrong, right=name, severity=SEVERE,
                confidence=Confidence.SUSPECTED, note=f"本地领导：{right}{name}（{v.kind}）",
                requires_near=context if v.needs_context else (), window=window,
                source=source))
        for written in all_titles:
            if _acceptable(written, titles):
                continue
            fine = tuple(r + name for r in all_titles
                         if r != written and r.endswith(written) and _acceptable(r, titles))
            terms.append(Term(
                category=category, wrong=written + name, right=right + name, severity=SEVERE,
                confidence=Confidence.SUSPECTED, note=f"本地领导：{name}的职务为{'、'.join(titles)}",
                exceptions=fine, unless_before=HISTORICAL, source=source))
    return terms


def parse_leaders(data, where: str) -> list[Leader]:
    """The ``leaders`` list of a roster file; errors (zh-hans) name the file and entry."""
    from govinspect.lexicons.engine import LexiconError

    if not isinstance(data, list):
        raise LexiconError(f"{where}：leaders 应为列表")
    out = []
    for i, entry in enumerate(data):
        at = f"{where} 第{i + 1}位领导"
        if not isinstance(entry, dict):
            raise LexiconError(f"{at}：应为键值对（name / title / unit）")
        unknown = set(entry) - {"name", "title", "unit"}
        if unknown:
            raise LexiconError(f"{at}：未知字段 {', '.join(sorted(unknown))}")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name.strip()):
            raise LexiconError(f"{at}：姓名 name 应为 2–6 个汉字，实为 {name!r}")
        title = entry.get("title")
        titles = [title] if isinstance(title, str) else title
        if (not isinstance(titles, list) or not titles
                or not all(isinstance(x, str) and x.strip() for x in titles)):
            raise LexiconError(f"{at}：职务 title 应为字符串或字符串列表")
        unit = entry.get("unit") or ""
        if not isinstance(unit, str):
            raise LexiconError(f"{at}：单位 unit 应为字符串")
        out.append(Leader(name.strip(), tuple(x.strip() for x in titles), unit.strip()))
    return out
