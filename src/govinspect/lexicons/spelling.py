"""Statistical 错别字 detector: confusion sets + word frequencies, offline, linear time.

Where a character stands alone (or inside a rare word) in its neighbourhood, try the characters
that sound the same or similar (pypinyin, tones ignored; zh/z, n/l, in/ing … at a penalty) or
look alike (``data/shape_similar.txt``). If one of them turns the neighbourhood into a much more
probable string of words (jieba's dictionary with its frequencies, the unigram model jieba's own
segmenter uses), report it with that character as the suggestion. Pairs learned from the tuning
split of ECSpell odw (``data/confusions.txt``) get a bonus.

Proper nouns are the main source of false alarms on real pages (place names with rare
characters such as 厝/庠/瀚, people's names, companies, brands). A position is left alone when
the character belongs to a word that jieba's dictionary tags as a name (nr/ns/nt/nz), when a
name cue follows within three characters (村/镇/乡/路/小区/公司/同志/教授 …, ``NAME_SUFFIXES``),
when a title precedes (书记/大使/岁的 …, ``NAME_PREFIXES``; also across 、), when an
organisation's name ends a little further on (有限公司/护理院/智库 …, ``ORG_SUFFIXES``), or a
middle dot marks a transliterated name; 文号 organ abbreviations are skipped, and so are
characters outside GB 2312 in a passage of several (traditional script). Offices whitelist
their own names in their lexicon folder.

Only very confident corrections (gain ≥ ``Thresholds.certain_gain``, never inside a name) are
确定; the rest are 疑似.

Work is linear in the text length: one Aho-Corasick pass marks every character covered by a
common word (those are taken as right); only the rest are scored, each in a bounded window
(``Thresholds.radius``) with a bounded candidate list; the gates are cached.

Thresholds are data (``Thresholds``); ``govinspect.eval.text`` explains how they were chosen
(on a tuning split of odw.train, never on the held-out split it reports).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_MAX_WORD = 6  # longest dictionary word the window scorer considers (as jieba's DAG, mostly)
_CACHE_LIMIT = 200_000
_EMPTY: frozenset[str] = frozenset()
_MISS = object()
_MAX_MEMO_RUN = 64  # longer runs seldom recur: not remembered
_RUN_CACHE_LIMIT = 50_000  # runs remembered (at most a few MB)


@dataclass(frozen=True)
class Thresholds:
    # Minimum gain in log-probability of the neighbourhood for a suggestion.
    min_gain: float = 9.5
    # Extra gain a look-alike (not sound-alike) candidate must bring.
    shape_penalty: float = 0.0
    # Extra gain a candidate of similar (not the same) pinyin must bring (zh/z, n/l, in/ing …).
    fuzzy_penalty: float = 2.0
    # A character inside a dictionary word at least this frequent is taken as right.
    trusted_word_freq: int = 30
    # Candidates must be reasonably common characters (single-character frequency).
    min_candidate_freq: int = 200
    # Characters either side of the position that the neighbourhood covers.
    radius: int = 4
    # Runs of Chinese characters shorter than this (menu items, buttons, names in lists) are
    # not sentences; page chrome is where most false alarms came from. Runs of at least
    # ``short_run`` characters but shorter than ``min_run`` need ``short_penalty`` more gain.
    min_run: int = 6
    short_run: int = 3
    short_penalty: float = 3.0
    # Gain bonus for a (wrong, right) pair of the learned confusion list (data/confusions.txt).
    known_pair_bonus: float = 3.0
    # Extra gain needed inside a proper noun (dictionary name, division name, name cue).
    name_penalty: float = 100.0
    # Gain at and above which a suggestion is 确定 (very confident); below it is 疑似.
    certain_gain: float = 16.0
    # Characters at least this frequent on their own (的 和 在 了 是 …) are taken as meant:
    # they are a third of the positions left to score and about 1 % of the real errors
    # (held-out F1 unchanged, twice the throughput).
    skip_char_freq: int = 200_000


# Chosen by ``govinspect.eval.text.tune`` on the tuning split (70 % of odw.train, the learned
# pairs counted leave-one-sentence-out) and the tuning half of acc_rmrb: best lenient sentence
# F1 with < 1 % false-alarm sentences (tune: F1 0.461, 0.79 %; 0.457 after the proper-noun
# guards of issue 15). Figures on the held-out
# splits are in docs/text-rules.md.
DEFAULT_THRESHOLDS = Thresholds()

# A name cue right after a character: the characters before it are (part of) a proper noun,
# not running text (某某厝村, 芦洋乡, 张某某同志, 伍某教授).
NAME_SUFFIXES = (
    "居委会", "村委会", "社区", "小区", "街道", "组团", "片区", "新区", "开发区", "园区", "大道",
    "广场", "公园", "大桥", "水库", "公司", "集团", "银行", "医院", "学校", "中学", "小学", "大学",
    "学院", "同志", "书记", "先生", "女士", "教授", "院士", "老师", "村", "镇", "乡", "屯", "寨",
    "庄", "坊", "岛", "湾", "路", "街", "巷", "弄", "山", "河", "江", "湖", "溪", "港", "桥",
)
# Words right before a person's name (书记王某某, 大使刘某某, 24岁的徐某某).
NAME_PREFIXES = ("同志", "书记", "主任", "局长", "市长", "县长", "区长", "镇长", "乡长", "村长",
                 "厅长", "处长", "科长", "委员", "代表", "记者", "通讯员", "教授", "院士", "老师",
                 "师傅", "村民", "居民", "群众", "患者", "选手", "队员", "主席", "总理", "部长",
                 "大使", "岁的", "董事长", "总经理", "经理", "秘书长", "院长", "校长", "所长",
                 "站长", "队长", "组长", "社长", "会长", "行长", "团长", "政委", "法官", "民警",
                 "医生", "护士", "工程师", "农民", "先生", "女士", "作者", "编辑", "摄影",
                 "导演", "演员", "艺术家", "书法家", "画家", "作家", "篆刻家", "音乐家", "歌唱家",
                 "企业家", "科学家", "专家", "领导干部", "嘉宾", "讲师", "运动员", "教练")
# Words that end an organisation's name a few characters further on (杭州佰意教育科技有限公司,
# 泰康老年护理院, 陈文令溪岸艺术公园): the characters before them, up to ``_ORG_REACH``, are the
# organisation's own name (a brand or a place), not running text.
ORG_SUFFIXES = ("有限公司", "有限责任公司", "股份公司", "智库", "护理院", "养老院", "疗养院",
                "艺术公园", "剧团", "剧院", "美术馆", "博物馆", "纪念馆", "协会", "事务所",
                "合作社")
_ORG_REACH = 8
# Industry words right after a brand (帛士数码, 特宇传媒).
_BRAND_CUES = ("数码", "传媒", "智库", "置业", "实业", "药业")
# 董氏, 王氏: a surname with 氏 is a family name, not 事/是.
_SURNAME_SUFFIX = "氏"
# A 文号 (教思政厅函〔2024〕10号): its organ abbreviation is not running text.
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［]\s*(?:19|20)\d{2}\s*[〕\]］]\s*第?\s*\d+\s*号")
# The commonest surnames (百家姓, the first hundred or so by population).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
_NAME_DOTS = "·•‧・"  # 瓦西利克·哈努: transliterated names
# Similar pinyin that people confuse (and input methods with fuzzy pinyin accept).
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("iang", "ian"), ("uang", "uan"))


def _fuzzy(reading: str) -> set[str]:
    out = set()
    for a, b in _FUZZY_INITIALS:
        for x, y in ((a, b), (b, a)):
            if reading.startswith(x) and not (x == "z" and reading.startswith(("zh",))) \
                    and not (x in "cs" and reading.startswith((x + "h",))):
                out.add(y + reading[len(x):])
    for a, b in _FUZZY_FINALS:
        for x, y in ((a, b), (b, a)):
            if reading.endswith(x) and not (x in ("an", "ian", "uan") and reading.endswith(
                    x.replace("an", "ang"))):
                out.add(reading[:-len(x)] + y)
    out.discard(reading)
    return out


@dataclass(frozen=True)
class Suspect:
    start: int  # offset of the character in the input text
    char: str
    suggestion: str
    gain: float
    kind: str  # "音近" or "形近"
    certain: bool = False  # 确定 (only very confident corrections); otherwise 疑似


@dataclass(frozen=True)
class Candidate:
    """The best correction for one position, with what the thresholds look at."""

    start: int
    char: str
    suggestion: str
    gain: float  # includes the learned-pair bonus
    kind: str
    fuzzy: bool  # similar, not the same, pinyin
    short: bool  # in a run shorter than ``min_run``
    named: bool  # inside a proper noun

    def need(self, t: Thresholds) -> float:
        return (t.min_gain + (t.shape_penalty if self.kind == "形近" else 0.0)
                + (t.fuzzy_penalty if self.fuzzy else 0.0)
                + (t.short_penalty if self.short else 0.0)
                + (t.name_penalty if self.named else 0.0))


class SpellingModel:
    """Loaded once per process (jieba's dictionary and the pinyin table take a few seconds)."""

    def __init__(self) -> None:
        import jieba
        from pypinyin import Style, pinyin

        jieba.setLogLevel(60)
        jieba.dt.check_initialized()
        self.freq: dict[str, int] = {w: f for w, f in jieba.dt.FREQ.items() if f > 0}
        for line in (DATA_DIR / "extra_words.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                self.freq[parts[0]] = max(self.freq.get(parts[0], 0), int(parts[1]))
        # Every prefix of a dictionary word (jieba keeps them with frequency 0): a span of text
        # that is not one cannot start a word, so scans stop there (as jieba's own DAG does).
        self.prefixes: set[str] = {w[:j] for w in self.freq for j in range(1, len(w) + 1)}
        self.log_total = math.log(jieba.dt.total)
        self.logf = {w: math.log(f) - self.log_total for w, f in self.freq.items()
                     if len(w) <= _MAX_WORD}
        self.unknown = -self.log_total  # log-probability of an unseen character (freq 1)
        self.names = self._names(Path(jieba.__file__).parent / "dict.txt")
        chars = {w for w in self.freq if len(w) == 1 and "\u4e00" <= w <= "\u9fff"}
        self.char_freq = {c: self.freq[c] for c in chars}
        self.by_sound: dict[str, set[str]] = {}
        self.sounds: dict[str, tuple[str, ...]] = {}
        for c in chars:
            readings = tuple(sorted({r for group in pinyin(c, style=Style.NORMAL,
                                                           heteronym=True) for r in group}))
            self.sounds[c] = readings
            for r in readings:
                self.by_sound.setdefault(r, set()).add(c)
        self.by_shape: dict[str, set[str]] = {}
        for line in (DATA_DIR / "shape_similar.txt").read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            for c in line:
                self.by_shape.setdefault(c, set()).update(set(line) - {c})
        self.known_pairs: set[tuple[str, str]] = set()
        for line in (DATA_DIR / "confusions.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                self.known_pairs.add((parts[0], parts[1]))
        self._trusted: dict[int, tuple] = {}
        self._gate_cache: dict[tuple, tuple] = {}
        self._cand_cache: dict[tuple, dict[str, tuple[str, bool]]] = {}
        self._cand_set_cache: dict[tuple, frozenset[str]] = {}
        # Per thresholds: ({(window around a position, its offset): _score's verdict},
        # {run: its positions to judge}).
        self._verdicts: dict[Thresholds, tuple[dict, dict]] = {}
        self._lock = threading.Lock()

    def _names(self, dict_path: Path):
        """Automaton of proper nouns: jieba words tagged nr/ns/nt/nz (72 k personal names,
        18 k place names, 5 k organisations, 10 k other proper nouns)."""
        import ahocorasick

        automaton = ahocorasick.Automaton()
        with open(dict_path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 3 and parts[2] in _NAME_TAGS and len(parts[0]) >= 2:
                    automaton.add_word(parts[0], len(parts[0]))
        automaton.make_automaton()
        return automaton

    def trusted(self, min_freq: int):
        """(automaton of words of ≥ 2 characters with frequency ≥ min_freq; for each
        character, the characters that follow it inside such a word; those that precede it)."""
        with self._lock:
            if min_freq not in self._trusted:
                import ahocorasick

                automaton = ahocorasick.Automaton()
                after: dict[str, set[str]] = {}
                before: dict[str, set[str]] = {}
                for w, f in self.freq.items():
                    if f >= min_freq and len(w) >= 2:
                        automaton.add_word(w, len(w))
                        for a, b in zip(w, w[1:], strict=False):
                            after.setdefault(a, set()).add(b)
                            before.setdefault(b, set()).add(a)
                automaton.make_automaton()
                self._trusted[min_freq] = (automaton, after, before)
            return self._trusted[min_freq]

    def covering_word_freq(self, s: str, i: int) -> int:
        """Highest frequency of a dictionary word of length ≥ 2 in ``s`` covering ``i``."""
        best = 0
        freq = self.freq
        for length in range(2, _MAX_WORD + 1):
            for a in range(max(0, i - length + 1), min(i, len(s) - length) + 1):
                f = freq.get(s[a:a + length], 0)
                if f > best:
                    best = f
        return best

    def candidates(self, c: str, min_freq: int) -> dict[str, tuple[str, bool]]:
        """Confusable characters of ``c``: {character: (kind, similar-not-same pinyin)}."""
        key = (c, min_freq)
        got = self._cand_cache.get(key)
        if got is None:
            out: dict[str, tuple[str, bool]] = {}
            readings = self.sounds.get(c, ())
            for fuzzy, group in ((False, readings),
                                 (True, {f for r in readings for f in _fuzzy(r)})):
                for r in group:
                    for d in self.by_sound.get(r, ()):
                        if d != c and d not in out and self.char_freq.get(d, 0) >= min_freq:
                            out[d] = ("音近", fuzzy)
            for d in self.by_shape.get(c, ()):
                if (d not in out or out[d][1]) and self.char_freq.get(d, 0) >= min_freq:
                    out[d] = ("形近", False)
            got = self._cand_cache[key] = dict(sorted(out.items()))
        return got

    def gate(self, left: str, c: str, right: str, t: Thresholds) -> tuple:
        """Candidates for ``c`` between ``left`` and ``right`` that can form a common word
        with a neighbour (a necessary condition for the exact check). Cached per side, so
        that the caches hit on running text: (left, c) and (c, right)."""
        cache = self._gate_cache
        lkey = (left, c, 0, t.trusted_word_freq, t.min_candidate_freq)
        rkey = (c, right, 1, t.trusted_word_freq, t.min_candidate_freq)
        fits_l = cache.get(lkey)
        fits_r = cache.get(rkey)
        if fits_l is None or fits_r is None:
            _, after, before = self._trusted.get(t.trusted_word_freq) or self.trusted(
                t.trusted_word_freq)
            cands = self.candidate_set(c, t.min_candidate_freq)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            if fits_l is None:
                fits_l = cache[lkey] = cands & after.get(left, _EMPTY)
            if fits_r is None:
                fits_r = cache[rkey] = cands & before.get(right, _EMPTY)
        if not fits_l and not fits_r:
            return ()
        kinds = self.candidates(c, t.min_candidate_freq)
        return tuple((d, *kinds[d]) for d in sorted(fits_l | fits_r))

    def candidate_set(self, c: str, min_freq: int) -> frozenset[str]:
        key = (c, min_freq)
        got = self._cand_set_cache.get(key)
        if got is None:
            got = self._cand_set_cache[key] = frozenset(self.candidates(c, min_freq))
        return got


_MODEL: SpellingModel | None = None
_LOCK = threading.Lock()


def model() -> SpellingModel:
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            _MODEL = SpellingModel()
    return _MODEL


def _mask(n: int, spans) -> bytearray:
    out = bytearray(n)
    for a, b in spans:
        a, b = max(0, a), min(n, b)
        if b > a:
            out[a:b] = b"\x01" * (b - a)
    return out


_ONES = [b"\x01" * n for n in range(65)]


def _cover(automaton, s: str) -> bytearray:
    """1 at every position of ``s`` inside a word of ``automaton`` (value: the word's length)."""
    out = bytearray(len(s))
    ones = _ONES
    for end, length in automaton.iter(s):
        out[end - length + 1:end + 1] = ones[length] if length < 65 else b"\x01" * length
    return out


def _named(text: str, run_start: int, s: str, i: int, names_cover: bytearray) -> bool:
    """Is position ``i`` of run ``s`` (at ``run_start`` in ``text``) part of a proper noun?"""
    if names_cover[i]:
        return True
    tail = s[i + 1:i + 5]
    for k in range(0, 3):  # a name cue within the next three characters
        if tail[k:].startswith(NAME_SUFFIXES) or tail[k:].startswith(_BRAND_CUES):
            return True
    far = s[i + 1:i + 1 + _ORG_REACH + 6]
    for k in range(0, _ORG_REACH):  # an organisation's name ends a little further on
        if far[k:].startswith(ORG_SUFFIXES):
            return True
    if s[i] == _SURNAME_SUFFIX and i and s[i - 1] in _SURNAMES:
        return True
    # right after a title: 书记王某某; also across a list mark (副社长、姜锐)
    head = s[max(0, i - 6):i]
    if i < 3 and run_start >= 1 and text[run_start - 1] in "、：:":
        j = run_start - 1
        k0 = j
        while k0 > 0 and "\u4e00" <= text[k0 - 1] <= "\u9fff" and j - k0 < 6:
            k0 -= 1
        head = text[k0:j] + s[:i]
    for p in NAME_PREFIXES:
        for k in range(0, 3):
            if len(head) >= len(p) + k and head[len(head) - k - len(p):len(head) - k] == p:
                return True
    # A transliterated name: 瓦西利克·哈努 (a middle dot within three characters).
    end = run_start + len(s)
    if (i >= len(s) - 3 and end < len(text) and text[end] in _NAME_DOTS) or \
            (i < 3 and run_start > 0 and text[run_start - 1] in _NAME_DOTS):
        return True
    return False


def _simplified_set(c: str) -> bool:
    """Is ``c`` in GB 2312 (the simplified set every input method types first)?"""
    got = _GB_CACHE.get(c)
    if got is None:
        try:
            c.encode("gb2312")
            got = True
        except UnicodeEncodeError:
            got = False
        _GB_CACHE[c] = got
    return got


_GB_CACHE: dict[str, bool] = {}
_PASSAGE = 10


def _traditional_passage(text: str, pos: int) -> bool:
    """Is the character at ``pos`` (outside GB 2312) one of several such characters within
    ``_PASSAGE`` characters? Then the passage is written in traditional script (以傳統筆墨技法為主)
    or uses a rare character on purpose (一抔黄土一抔魂), and correcting it to the simplified or
    common form is no typo fix. A lone one (菓家自然科学奖) is still scored."""
    lo, hi = max(0, pos - _PASSAGE), min(len(text), pos + _PASSAGE + 1)
    return any(j != pos and "\u4e00" <= text[j] <= "\u9fff" and not _simplified_set(text[j])
               for j in range(lo, hi))


def candidates(text: str, thresholds: Thresholds = DEFAULT_THRESHOLDS,
               skip: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """The best correction of every suspicious position, before the gain thresholds (for
    ``detect`` and for tuning). Linear in ``len(text)``: one Aho-Corasick pass per run marks
    the characters inside common words; each other position is scored in a bounded window."""
    m = model()
    t = thresholds
    automaton = m.trusted(t.trusted_word_freq)[0]
    gate = m.gate
    char_freq = m.char_freq
    common = t.skip_char_freq
    trusted_lp = math.log(t.trusted_word_freq) - m.log_total
    spans = list(skip or []) + [m.span() for m in _DOC_NUMBER.finditer(text)]
    skipped = _mask(len(text), spans) if spans else None
    radius = t.radius
    memo = m._verdicts.get(t)
    if memo is None:
        if len(m._verdicts) >= 4:  # tuning tries many thresholds: keep memory bounded
            m._verdicts.clear()
        memo = m._verdicts[t] = ({}, {})
    verdicts, positions = memo
    out: list[Candidate] = []
    bigrams: dict[str, int] | None = None  # counted once, when a position is worth judging
    shortest = max(2, min(t.min_run, t.short_run))
    for run in _HAN.finditer(text):
        s, base = run.group(), run.start()
        n = len(s)
        if n < shortest:
            continue
        short = n < t.min_run
        todo = positions.get(s)
        if todo is None:
            # Positions outside every common word and not of a very common character: a
            # function of the run alone, and runs (clauses) recur, so it is remembered.
            covered = _cover(automaton, s)
            todo = []
            i = covered.find(0)
            while i != -1:
                if char_freq.get(s[i], 0) < common:
                    todo.append(i)
                i = covered.find(0, i + 1)
            todo = tuple(todo)
            if n <= _MAX_MEMO_RUN:
                if len(positions) > _RUN_CACHE_LIMIT:
                    positions.clear()
                positions[s] = todo
        found: dict[int, tuple[str, str, bool, float]] = {}
        for i in todo:
            if not (skipped and skipped[base + i]) \
                    and (_simplified_set(s[i]) or not _traditional_passage(text, base + i)):
                # Gate and score depend only on the window around i (and t): the same window
                # recurs in running text (set phrases), so its verdict is looked up.
                lo = i - radius if i > radius else 0
                key = (s[lo:i + radius + 1], i - lo)
                hit = verdicts.get(key, _MISS)
                if hit is _MISS:
                    options = gate(s[i - 1] if i else "", s[i], s[i + 1] if i + 1 < n else "",
                                   t)
                    hit = _score(m, s, i, t, options, trusted_lp) if options else None
                    if len(verdicts) > _CACHE_LIMIT:
                        verdicts.clear()
                    verdicts[key] = hit
                if hit is not None:
                    found[i] = hit
        names_cover = None
        for i in sorted(found):
            d, kind, fuzzy, gain = found[i]
            if gain < t.min_gain:  # cheap: no penalty can bring it back
                continue
            if names_cover is None:
                names_cover = _cover(m.names, s)
            if bigrams is None:
                bigrams = _bigram_counts(text)
                varied: dict[str, bool] = {}
            named = _named(text, base, s, i, names_cover) or _repeated(text, s, i, bigrams,
                                                                       varied)
            out.append(Candidate(base + i, s[i], d, round(gain, 2), kind, fuzzy, short, named))
    return out


# A pair of characters written the same way this many times in one text, in different
# sentences, is meant: a name (孙启勤 on every line of a profile, 金锺国), a brand (广汽) or a
# term (播客), not a slip of the input method. The same sentence pasted three times (a summary
# repeated in the body) is one occurrence in this sense: its typo is still reported.
REPEATS = 3
SURROUNDINGS = 2  # different surroundings (two characters either side) among them
_SCAN_LIMIT = 50  # occurrences looked at per pair


def _bigram_counts(text: str) -> dict[str, int]:
    """How often each pair of Chinese characters occurs in ``text`` (one pass)."""
    counts: dict[str, int] = {}
    for run in _HAN.finditer(text):
        r = run.group()
        for j in range(len(r) - 1):
            pair = r[j:j + 2]
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def _varied(text: str, pair: str) -> bool:
    """Does ``pair`` occur in at least ``SURROUNDINGS`` different surroundings (two
    characters either side)?"""
    seen: set[str] = set()
    pos = text.find(pair)
    looked = 0
    while pos >= 0 and looked < _SCAN_LIMIT:
        seen.add(text[max(0, pos - 2):pos] + "|" + text[pos + 2:pos + 4])
        if len(seen) >= SURROUNDINGS:
            return True
        looked += 1
        pos = text.find(pair, pos + 1)
    return False


def _repeated(text: str, s: str, i: int, bigrams: dict[str, int],
              varied: dict[str, bool]) -> bool:
    for pair in ((s[i - 1:i + 1] if i else ""), (s[i:i + 2] if i + 1 < len(s) else "")):
        if bigrams.get(pair, 0) >= REPEATS:
            if pair not in varied:
                varied[pair] = _varied(text, pair)
            if varied[pair]:
                return True
    return False


def detect(text: str, thresholds: Thresholds = DEFAULT_THRESHOLDS,
           skip: list[tuple[int, int]] | None = None) -> list[Suspect]:
    """Suspected wrong characters in ``text``; ``skip`` spans (whitelist, lexicon hits) are
    left alone. Linear in ``len(text)``."""
    t = thresholds
    return [Suspect(c.start, c.char, c.suggestion, c.gain, c.kind,
                    certain=c.gain >= max(t.certain_gain, c.need(t)) and not c.named)
            for c in candidates(text, t, skip) if c.gain >= c.need(t)]


def _prefix(logf, unknown, prefixes, w: str) -> list[float]:
    """best[j]: log-probability of the best segmentation of ``w[:j]``."""
    n = len(w)
    score = [0.0] + [-1e18] * n
    for i in range(n):
        base = score[i]
        v = base + logf.get(w[i], unknown)
        if v > score[i + 1]:
            score[i + 1] = v
        for j in range(i + 2, min(n, i + _MAX_WORD) + 1):
            piece = w[i:j]
            if piece not in prefixes:
                break
            lp = logf.get(piece)
            if lp is not None and base + lp > score[j]:
                score[j] = base + lp
    return score


def _suffix(logf, unknown, prefixes, w: str) -> list[float]:
    """best[j]: log-probability of the best segmentation of ``w[j:]``."""
    n = len(w)
    score = [0.0] * (n + 1)
    for i in range(n - 1, -1, -1):
        best = score[i + 1] + logf.get(w[i], unknown)
        for j in range(i + 2, min(n, i + _MAX_WORD) + 1):
            piece = w[i:j]
            if piece not in prefixes:
                break
            lp = logf.get(piece)
            if lp is not None and score[j] + lp > best:
                best = score[j] + lp
        score[i] = best
    return score


def _score(m: SpellingModel, s: str, i: int, t: Thresholds, options: tuple,
           trusted_lp: float) -> tuple[str, str, bool, float] | None:
    """Best of ``options`` ((character, kind, fuzzy), …) for position ``i`` of run ``s``:
    (character, kind, fuzzy, gain) or None. Candidates are compared after their penalties.

    The window's best segmentation with the character replaced only changes in the words
    that cover it: best(w2) = max over words w2[a:b] covering k of prefix[a] + logp + suffix[b]
    (prefix/suffix of the unchanged window). A candidate that no common word (log-probability
    ≥ ``trusted_lp``) of two or more characters covers is dropped."""
    lo, hi = max(0, i - t.radius), min(len(s), i + t.radius + 1)
    window = s[lo:hi]
    n = len(window)
    k = i - lo
    logf, unknown, prefixes = m.logf, m.unknown, m.prefixes
    # Starts of words that can run through position k: window[a:k] must be a word prefix.
    starts = [a for a in range(max(0, k - _MAX_WORD + 1), k + 1)
              if a == k or window[a:k] in prefixes]
    words = []  # per covered option: (d, kind, fuzzy, [(a, b, logp), …])
    for d, kind, fuzzy in options:
        found = []
        covered = False
        for a in starts:
            piece = window[a:k] + d
            for b in range(k + 1, min(n, a + _MAX_WORD) + 1):
                if b > k + 1:
                    piece += window[b - 1]
                if piece not in prefixes:
                    break
                if b - a < 2:
                    continue
                lp = logf.get(piece)
                if lp is not None:
                    found.append((a, b, lp))
                    if lp >= trusted_lp:
                        covered = True
        if covered:
            words.append((d, kind, fuzzy, found))
    if not words:
        return None
    prefix = _prefix(logf, unknown, prefixes, window)
    suffix = _suffix(logf, unknown, prefixes, window)
    original = prefix[n]
    best = None
    best_adjusted = 0.0
    c = s[i]
    known = m.known_pairs
    for d, kind, fuzzy, found in words:
        top = prefix[k] + logf.get(d, unknown) + suffix[k + 1]
        for a, b, lp in found:
            v = prefix[a] + lp + suffix[b]
            if v > top:
                top = v
        gain = top - original
        if (c, d) in known:
            gain += t.known_pair_bonus
        adjusted = gain - (t.shape_penalty if kind == "形近" else 0.0) \
            - (t.fuzzy_penalty if fuzzy else 0.0)
        if best is None or adjusted > best_adjusted:
            best, best_adjusted = (d, kind, fuzzy, gain), adjusted
    return best
