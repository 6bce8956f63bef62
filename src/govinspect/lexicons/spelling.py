"""Statistical 错别字 detector: confusion sets + word frequencies, offline.

Where a character stands alone (or inside a rare word) in the best segmentation of its
neighbourhood, try the characters that sound the same (pypinyin, tones ignored) or look alike
(``data/shape_similar.txt``). If one of them turns the neighbourhood into a much more probable
string of words (jieba's dictionary with its frequencies, the same unigram model jieba's own
segmenter uses), report it as 疑似 with that character as the suggestion.

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


@dataclass(frozen=True)
class Thresholds:
    # Minimum gain in log-probability of the neighbourhood for a suggestion.
    min_gain: float = 8.5
    # Extra gain a look-alike (not sound-alike) candidate must bring.
    shape_penalty: float = 0.0
    # A character inside a dictionary word at least this frequent is taken as right.
    trusted_word_freq: int = 100
    # Candidates must be reasonably common characters (single-character frequency).
    min_candidate_freq: int = 200
    # Characters either side of the position that the neighbourhood covers.
    radius: int = 4
    # Runs of Chinese characters shorter than this (menu items, buttons, names in lists) are
    # not sentences; page chrome is where most false alarms came from.
    min_run: int = 6


# Chosen by ``govinspect.eval.text.tune`` (grid: min_gain 5–12 by 0.5, shape_penalty 0/2/4,
# trusted_word_freq 10/30/100) on the tuning split (70 % of odw.train): best sentence F1 with
# ≤2 % false-alarm sentences on the tuning half of acc_rmrb (F1 0.452, 1.84 %; rerun after
# min_run and extra_words were added).
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Suspect:
    start: int  # offset of the character in the input text
    char: str
    suggestion: str
    gain: float
    kind: str  # "音近" or "形近"


class SpellingModel:
    """Loaded once per process (jieba's dictionary and the pinyin table take ~2 s)."""

    def __init__(self) -> None:
        import jieba
        from pypinyin import Style, pinyin

        jieba.setLogLevel(60)
        jieba.dt.check_initialized()
        self.freq: dict[str, int] = dict(jieba.dt.FREQ)
        for line in (DATA_DIR / "extra_words.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                self.freq[parts[0]] = max(self.freq.get(parts[0], 0), int(parts[1]))
        self.log_total = math.log(jieba.dt.total)
        chars = {w for w, f in self.freq.items() if len(w) == 1 and f > 0
                 and "\u4e00" <= w <= "\u9fff"}
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

    def logp(self, word: str) -> float:
        return math.log(self.freq.get(word) or 1) - self.log_total

    def best(self, s: str) -> float:
        """Log-probability of the best segmentation of ``s`` (unigram, like jieba)."""
        n = len(s)
        score = [0.0] + [-1e18] * n
        freq = self.freq
        for j in range(1, n + 1):
            best = score[j - 1] + self.logp(s[j - 1])
            for i in range(max(0, j - 6), j - 1):
                f = freq.get(s[i:j])
                if f:
                    cand = score[i] + math.log(f) - self.log_total
                    if cand > best:
                        best = cand
            score[j] = best
        return score[n]

    def covering_word_freq(self, s: str, i: int) -> int:
        """Highest frequency of a dictionary word of length ≥ 2 in ``s`` covering ``i``."""
        best = 0
        freq = self.freq
        for length in range(2, 7):
            for a in range(max(0, i - length + 1), min(i, len(s) - length) + 1):
                f = freq.get(s[a:a + length], 0)
                if f > best:
                    best = f
        return best

    def candidates(self, c: str, min_freq: int) -> list[tuple[str, str]]:
        out: dict[str, str] = {}
        for r in self.sounds.get(c, ()):
            for d in self.by_sound.get(r, ()):
                if d != c and self.char_freq.get(d, 0) >= min_freq:
                    out[d] = "音近"
        for d in self.by_shape.get(c, ()):
            if d not in out and self.char_freq.get(d, 0) >= min_freq:
                out[d] = "形近"
        return sorted(out.items())


_MODEL: SpellingModel | None = None
_LOCK = threading.Lock()


def model() -> SpellingModel:
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            _MODEL = SpellingModel()
    return _MODEL


def detect(text: str, thresholds: Thresholds = DEFAULT_THRESHOLDS,
           skip: list[tuple[int, int]] | None = None) -> list[Suspect]:
    """Suspected wrong characters in ``text``; ``skip`` spans (whitelist, lexicon hits) are
    left alone."""
    m = model()
    t = thresholds
    found: list[Suspect] = []
    for run in _HAN.finditer(text):
        s, base = run.group(), run.start()
        if len(s) < max(2, t.min_run):
            continue
        for i, c in enumerate(s):
            pos = base + i
            if skip and any(a <= pos < b for a, b in skip):
                continue
            if m.covering_word_freq(s, i) >= t.trusted_word_freq:
                continue
            lo, hi = max(0, i - t.radius), min(len(s), i + t.radius + 1)
            window = s[lo:hi]
            k = i - lo
            original = m.best(window)
            best: Suspect | None = None
            for d, kind in m.candidates(c, t.min_candidate_freq):
                w2 = window[:k] + d + window[k + 1:]
                # Cheap gate: the candidate must form a dictionary word with a neighbour.
                if m.covering_word_freq(w2, k) < t.trusted_word_freq:
                    continue
                gain = m.best(w2) - original
                need = t.min_gain + (t.shape_penalty if kind == "形近" else 0.0)
                if gain >= need and (best is None or gain > best.gain):
                    best = Suspect(pos, c, d, round(gain, 2), kind)
            if best is not None:
                found.append(best)
    return found
