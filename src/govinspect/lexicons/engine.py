"""The lexicon engine: categorised term lists (data files) matched with Aho-Corasick.

A term says: this wrong form, in this category, should read like that, with a severity and a
confidence, unless the context shows it is fine (exceptions, words nearby, a prefix such as
``原`` that marks a historical mention). Offices add their own lists (local leaders, place
names) and whitelists as YAML files in their workspace; no code changes.

Matching runs over a normalised copy of the text that keeps every character's offset (one
character in, one character out), so spans point straight into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
import yaml

from govinspect.core.types import Confidence

DATA_DIR = Path(__file__).parent / "data"

SEVERE = "严重"  # 严重表述错误 → W-V1 after human review
NORMAL = "一般"  # → review item
SEVERITIES = (SEVERE, NORMAL)
LOCAL_LEADERS = "本地领导"  # default category of a roster file (``leaders:``)

# How far (characters, each side) ``unless_near`` / ``requires_near`` look.
DEFAULT_WINDOW = 12


class LexiconError(ValueError):
    """A lexicon file is malformed; the message (zh-hans) names the file and the entry."""


@dataclass(frozen=True)
class Term:
    category: str
    wrong: str
    right: str  # suggested form; "" means "remove / rewrite"
    severity: str = NORMAL
    confidence: Confidence = Confidence.SUSPECTED
    note: str = ""
    exceptions: tuple[str, ...] = ()  # longer strings containing ``wrong`` that are correct
    unless_before: tuple[str, ...] = ()  # text right before the match that makes it fine
    unless_near: tuple[str, ...] = ()  # words within ``window`` that make it fine
    requires_near: tuple[str, ...] = ()  # at least one must occur within ``window``
    window: int = DEFAULT_WINDOW
    source: str = ""  # file the term came from


@dataclass(frozen=True)
class Match:
    term: Term
    start: int
    end: int


def _width_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0).lower() for cp in range(0xFF01, 0xFF5F)}
    table.update({cp: chr(cp).lower() for cp in range(ord("A"), ord("Z") + 1)})
    table[0x3000] = " "  # ideographic space
    return table


_WIDTH = _width_table()
_TO_FOLD = re.compile("[A-Z\uff01-\uff5e\u3000]")


def normalise(text: str) -> str:
    """Same length as ``text``: full-width ASCII → half-width, ASCII lower case.

    A fixed one-to-one table (``str.translate``, C speed) rather than NFKC, which can change
    the length of a string and so break offsets."""
    # A regex scan finds the few characters to fold; translate() on all text is slower.
    return _TO_FOLD.sub(lambda m: _WIDTH[ord(m.group())], text)


def _tuple(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    raise LexiconError(f"{where}：应为字符串或字符串列表")


@dataclass
class Lexicon:
    terms: list[Term] = field(default_factory=list)
    whitelist: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._build()

    def _build(self) -> None:
        self._auto = ahocorasick.Automaton()
        by_key: dict[str, list[Term]] = {}
        for term in self.terms:
            by_key.setdefault(normalise(term.wrong), []).append(term)
        for key, terms in by_key.items():
            self._auto.add_word(key, (len(key), tuple(terms)))
        if by_key:
            self._auto.make_automaton()
        self._white = ahocorasick.Automaton()
        for phrase in {normalise(w) for w in self.whitelist if w}:
            self._white.add_word(phrase, len(phrase))
        if self.whitelist:
            self._white.make_automaton()

    def extend(self, other: Lexicon) -> None:
        self.terms.extend(other.terms)
        self.whitelist.extend(other.whitelist)
        self._build()

    def whitelisted_spans(self, norm: str) -> list[tuple[int, int]]:
        if not self.whitelist:
            return []
        return [(end - n + 1, end + 1) for end, n in self._white.iter(norm)]

    def find(self, text: str) -> list[Match]:
        """Every accepted match, longest first where matches overlap, in text order."""
        if not self.terms:
            return []
        norm = normalise(text)
        white = self.whitelisted_spans(norm)
        raw: list[Match] = []
        for end, (n, terms) in self._auto.iter(norm):
            start, stop = end - n + 1, end + 1
            if any(ws <= start and stop <= we for ws, we in white):
                continue
            for term in terms:
                if _accepted(term, norm, start, stop):
                    raw.append(Match(term, start, stop))
                    break
        # Keep the longest of overlapping matches (e.g. a full name over its short form).
        raw.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Match] = []
        for m in raw:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)


def _accepted(term: Term, norm: str, start: int, stop: int) -> bool:
    wrong = normalise(term.wrong)
    for exc in term.exceptions:
        e = normalise(exc)
        k = e.find(wrong)
        while k >= 0:
            if norm[start - k:start - k + len(e)] == e and start - k >= 0:
                return False
            k = e.find(wrong, k + 1)
    for prefix in term.unless_before:
        p = normalise(prefix)
        if norm[max(0, start - len(p)):start] == p:
            return False
    lo, hi = max(0, start - term.window), min(len(norm), stop + term.window)
    around = norm[lo:start] + "\x00" + norm[stop:hi]
    if any(normalise(w) in around for w in term.unless_near):
        return False
    return not (term.requires_near and not any(normalise(w) in around
                                               for w in term.requires_near))


def _parse_entry(entry, defaults: dict, category: str, where: str) -> Term:
    if isinstance(entry, list):
        if not 1 <= len(entry) <= 3 or not all(isinstance(x, str) for x in entry):
            raise LexiconError(f"{where}：列表写法应为 [错误写法, 正确写法, 说明]")
        entry = dict(zip(("wrong", "right", "note"), entry, strict=False))
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}：条目应为列表或键值对")
    unknown = set(entry) - {"wrong", "right", "note", "severity", "confidence", "exceptions",
                            "unless_before", "unless_near", "requires_near", "window"}
    if unknown:
        raise LexiconError(f"{where}：未知字段 {', '.join(sorted(unknown))}")
    merged = {**defaults, **entry}
    wrong = merged.get("wrong")
    if not isinstance(wrong, str) or not wrong.strip():
        raise LexiconError(f"{where}：缺少错误写法 wrong")
    severity = merged.get("severity", NORMAL)
    if severity not in SEVERITIES:
        raise LexiconError(f"{where}：严重程度应为 {' / '.join(SEVERITIES)}，实为 {severity!r}")
    try:
        confidence = Confidence(merged.get("confidence", Confidence.SUSPECTED.value))
    except ValueError:
        raise LexiconError(f"{where}：置信度应为 确定 / 疑似") from None
    window = merged.get("window", DEFAULT_WINDOW)
    if not isinstance(window, int) or window < 0:
        raise LexiconError(f"{where}：window 应为非负整数")
    return Term(
        category=category, wrong=wrong, right=str(merged.get("right") or ""),
        severity=severity, confidence=confidence, note=str(merged.get("note") or ""),
        exceptions=_tuple(merged.get("exceptions"), where),
        unless_before=_tuple(merged.get("unless_before"), where),
        unless_near=_tuple(merged.get("unless_near"), where),
        requires_near=_tuple(merged.get("requires_near"), where),
        window=window, source=where.split("：")[0],
    )


def parse_lexicon(data, name: str) -> Lexicon:
    """One YAML document → a Lexicon. ``name`` is used in error messages."""
    if data is None:
        return Lexicon()
    if not isinstance(data, dict):
        raise LexiconError(f"词库 {name}：顶层应为键值对（category / terms / whitelist）")
    unknown = set(data) - {"category", "defaults", "terms", "whitelist", "description",
                           "leaders"}
    if unknown:
        raise LexiconError(f"词库 {name}：未知字段 {', '.join(sorted(unknown))}")
    terms_data = data.get("terms") or []
    category = data.get("category")
    leaders_data = data.get("leaders")
    if leaders_data is not None and not category:
        category = LOCAL_LEADERS
    if terms_data and not (isinstance(category, str) and category.strip()):
        raise LexiconError(f"词库 {name}：缺少类别 category")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise LexiconError(f"词库 {name}：defaults 应为键值对")
    if not isinstance(terms_data, list):
        raise LexiconError(f"词库 {name}：terms 应为列表")
    terms = [_parse_entry(e, defaults, category, f"词库 {name} 第{i + 1}条")
             for i, e in enumerate(terms_data)]
    whitelist = list(_tuple(data.get("whitelist"), f"词库 {name} 的 whitelist"))
    if leaders_data is not None:
        from govinspect.lexicons.roster import parse_leaders, roster_terms

        leaders = parse_leaders(leaders_data, f"词库 {name}")
        terms += roster_terms(leaders, category=category, source=f"词库 {name}")
        # Listed names are proper nouns: the statistical detector must leave them alone.
        whitelist += sorted({le.name for le in leaders})
    return Lexicon(terms, whitelist)


def load_file(path: Path) -> Lexicon:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"词库 {path}：无法读取（{exc}）") from None
    return parse_lexicon(data, str(path))


def load_lexicon(extra: Iterable[Path | str] = (), *, shipped: bool = True) -> Lexicon:
    """The shipped lists plus an office's own files or folders of ``*.yaml`` files."""
    paths: list[Path] = sorted(DATA_DIR.glob("*.yaml")) if shipped else []
    for item in extra:
        p = Path(item)
        if p.is_dir():
            paths.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        elif p.is_file():
            paths.append(p)
        else:
            raise LexiconError(f"词库路径不存在：{p}")
    terms: list[Term] = []
    white: list[str] = []
    for path in paths:
        lex = load_file(path)
        terms.extend(lex.terms)
        white.extend(lex.whitelist)
    return Lexicon(terms, white)


_DEFAULT: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The shipped lists, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_lexicon()
    return _DEFAULT


def categories(terms: Sequence[Term]) -> list[str]:
    return sorted({t.category for t in terms})
