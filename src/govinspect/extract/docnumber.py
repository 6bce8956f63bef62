"""文号 (document number) parser and normaliser.

The correct form (GB/T 9704-2012) is issuer abbreviation + year in 六角括号 + serial + 号:
``豫政〔2023〕27号``. Wrong brackets, stray or zero-width spaces, ``第`` before the serial and
padded serials are reported as problems, yet the number still parses.
Other real forms: ``…政府令第127号``, ``…公告2018年第14号`` and ``…总局令2023年第1号``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACES = " \t\u00a0\u3000\u2002\u2003\u2009\u202f\r\n"
_ZW_RE = re.compile(f"[{_ZERO_WIDTH}]")
_SP = f"[{_SPACES}{_ZERO_WIDTH}]*"
_ISSUER = r"[\u4e00-\u9fffA-Za-z]{1,20}?"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_LB = r"[〔\[【（(［｛{〈《﹝]"
_RB = r"[〕\]】）)］｝}〉》﹞]"

BRACKET_RE = re.compile(
    rf"(?P<issuer>{_ISSUER}){_SP}(?P<lb>{_LB}){_SP}(?P<year>(?:19|20)\d{{2}}){_SP}(?P<nian>年)?{_SP}"
    rf"(?P<rb>{_RB}){_SP}(?P<di>第)?{_SP}(?P<serial>\d{{1,5}}){_SP}号"
)
BARE_RE = re.compile(  # a year in brackets without an issuer: "〔 2022 〕96 号"
    rf"(?P<lb>{_LB}){_SP}(?P<year>(?:19|20)\d{{2}}){_SP}(?P<nian>年)?{_SP}(?P<rb>{_RB}){_SP}"
    rf"(?P<di>第)?{_SP}(?P<serial>\d{{1,5}}){_SP}号"
)
LING_RE = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fff]{{1,20}}?令){_SP}第{_SP}(?P<serial>\d{{1,5}}){_SP}号"
)
GONGGAO_RE = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fff]{{0,20}}?(?:公告|令)){_SP}(?P<year>(?:19|20)\d{{2}}){_SP}年{_SP}第{_SP}"
    rf"(?P<serial>\d{{1,5}}){_SP}号"
)
# A year with no brackets at all: "京政发2020年5号" (reported).
NOBRACKET_RE = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fff]{{1,12}}?[发函字办电]){_SP}(?P<year>(?:19|20)\d{{2}}){_SP}"
    rf"(?P<nian>年)?{_SP}(?P<di>第)?{_SP}(?P<serial>\d{{1,5}}){_SP}号"
)
_LEADING_NOISE = re.compile(r"^(?:文号|发文字号|发文文号|文件编号|字号|[:：\s])+")
# Running text before an issuer ("根据吉政发〔2022〕1号") is not part of it.
_LEAD_WORDS = re.compile(r"^.*(?:根据|按照|依据|依照|参照|贯彻|落实|执行|印发|转发)")
_PATTERNS = (("bracket", BRACKET_RE), ("gonggao", GONGGAO_RE), ("ling", LING_RE),
             ("bare", BARE_RE), ("nobracket", NOBRACKET_RE))


@dataclass(frozen=True)
class DocNumber:
    raw: str  # as found (trimmed)
    issuer: str  # issuer abbreviation ("豫政", "河南省人民政府令", "国家税务总局公告")
    year: int | None
    serial: int
    kind: str  # "bracket" | "ling" | "gonggao"
    problems: tuple[str, ...]  # zh-hans, for findings

    @property
    def normalized(self) -> str:
        if self.kind == "ling":
            return f"{self.issuer}第{self.serial}号"
        if self.kind == "gonggao":
            return f"{self.issuer}{self.year}年第{self.serial}号"
        return f"{self.issuer}〔{self.year}〕{self.serial}号"


def parse(text: str) -> DocNumber | None:
    """Find and parse the first 文号 in ``text``; None when there is none."""
    if not text or "号" not in text:  # every form ends in 号: most lines skip the 5 regexes
        return None
    text = text.translate(_FULLWIDTH_DIGITS)
    found = []
    for rank, (kind, pattern) in enumerate(_PATTERNS):
        m = pattern.search(text)
        if m:
            found.append((m.start(), rank, kind, m))
    if not found:
        return None
    _, _, kind, m = min(found, key=lambda f: (f[0], f[1]))  # leftmost, then by form
    raw = m.group(0).strip(_SPACES + "\u200b\u200c\u200d\u2060\ufeff")
    raw = _LEAD_WORDS.sub("", raw) or raw
    g = m.groupdict()
    problems: list[str] = []
    if _ZW_RE.search(raw):
        problems.append("文号含不可见字符（零宽空格等）")
    if any(c in raw for c in _SPACES):
        problems.append("文号含多余空格")
    issuer = _LEADING_NOISE.sub("", _ZW_RE.sub("", g.get("issuer") or ""))
    issuer = _LEAD_WORDS.sub("", issuer) or issuer
    if kind in ("bracket", "bare") and (g["lb"] != "〔" or g["rb"] != "〕"):
        problems.append(f"年份应使用六角括号〔〕，实为{g['lb']}{g['rb']}")
    if kind == "nobracket":
        problems.append("年份未加六角括号〔〕")
    if g.get("nian"):
        problems.append("年份后不应加“年”字")
    if g.get("di") and kind in ("bracket", "bare", "nobracket"):
        problems.append("发文顺序号前不应加“第”字")
    serial = g["serial"]
    if len(serial) > 1 and serial.startswith("0"):
        problems.append("发文顺序号不应编虚位（如 001）")
    if kind == "bare":
        problems.append("文号缺少发文机关代字")
    return DocNumber(raw=raw, issuer=issuer, year=int(g["year"]) if g.get("year") else None,
                     serial=int(serial), kind="bracket" if kind in ("bare", "nobracket") else kind,
                     problems=tuple(problems))


# Malformed numbers as offices write them in a labelled 文号 field. They are kept with their
# problems (the 文号 rule exists for them) instead of being dropped.
_EMPTY_BRACKETS = re.compile(rf"{_LB}{_SP}{_RB}")
_DIGIT_GAP = re.compile(rf"(?<=\d)[{_SPACES}]+(?=\d)")
HAO_FIRST_RE = re.compile(  # "豫政〔2023〕号27": 号 before the serial
    rf"(?P<issuer>{_ISSUER}){_SP}(?P<lb>{_LB}){_SP}(?P<year>(?:19|20)\d{{2}}){_SP}(?P<rb>{_RB})"
    rf"{_SP}号{_SP}(?P<serial>\d{{1,5}})(?!\d)"
)
NO_HAO_RE = re.compile(  # "豫政〔2023〕27": 号 missing
    rf"(?P<issuer>{_ISSUER}){_SP}(?P<lb>{_LB}){_SP}(?P<year>(?:19|20)\d{{2}}){_SP}(?P<rb>{_RB})"
    rf"{_SP}(?P<di>第)?{_SP}(?P<serial>\d{{1,5}}){_SP}$"
)
_NOT_A_NUMBER = re.compile(r"^[\s无暂/\\\-—－_.·*]*$|^(?:无|暂无|空|/)$")


def parse_field(value: str) -> DocNumber | None:
    """The 文号 written in a labelled field (发文字号：…): like ``parse``, but a malformed number
    (号 before the serial, 号 missing, stray empty brackets, a space inside the serial) is
    returned with its problems rather than dropped. None for an empty field or "无"."""
    if not value or _NOT_A_NUMBER.match(value.strip()):
        return None
    text = value.translate(_FULLWIDTH_DIGITS).strip()
    extra: list[str] = []
    if _EMPTY_BRACKETS.search(text):
        text = _EMPTY_BRACKETS.sub("", text)
        extra.append("文号含多余的空括号")
    if _DIGIT_GAP.search(text):
        text = _DIGIT_GAP.sub("", text)
        extra.append("文号含多余空格")
    found = parse(text)
    if found is None:
        for pattern, problem in ((HAO_FIRST_RE, "“号”字应在发文顺序号之后"),
                                 (NO_HAO_RE, "文号缺少“号”字")):
            m = pattern.search(text)
            if m:
                found = _from_match(m, "bracket", [problem])
                break
    if found is None:
        return None
    if extra:
        problems = tuple(dict.fromkeys(extra + list(found.problems)))
        found = DocNumber(raw=value.strip(), issuer=found.issuer, year=found.year,
                          serial=found.serial, kind=found.kind, problems=problems)
    return found


def _from_match(m: re.Match, kind: str, problems: list[str]) -> DocNumber:
    g = m.groupdict()
    issuer = _LEADING_NOISE.sub("", _ZW_RE.sub("", g.get("issuer") or ""))
    if g.get("lb") and (g["lb"] != "〔" or g["rb"] != "〕"):
        problems.append(f"年份应使用六角括号〔〕，实为{g['lb']}{g['rb']}")
    if g.get("di"):
        problems.append("发文顺序号前不应加“第”字")
    serial = g["serial"]
    if len(serial) > 1 and serial.startswith("0"):
        problems.append("发文顺序号不应编虚位（如 001）")
    raw = m.group(0).strip(_SPACES + "\u200b\u200c\u200d\u2060\ufeff")
    return DocNumber(raw=raw, issuer=issuer, year=int(g["year"]), serial=int(serial), kind=kind,
                     problems=tuple(problems))


def normalize(text: str) -> str | None:
    doc = parse(text)
    return doc.normalized if doc else None
