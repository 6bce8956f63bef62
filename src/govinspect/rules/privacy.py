"""Privacy leaks in page text, tables and attachments: 居民身份证号, mobile numbers, bank card
numbers. Pure functions over text.

Nothing this module writes repeats a full number: every finding's context and text come from a
masked copy of the input (same length, so offsets still hold).
"""

from __future__ import annotations

import datetime as dt
import re

from govinspect.core.types import Confidence, Finding
from govinspect.rules.base import RecheckMode, Rule, Scope, register
from govinspect.rules.text import make_finding

# GB/T 2260 province-level codes (first two digits of a 公民身份号码).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# A number is a run of digits not glued to other digits, letters or mask characters.
_EDGE_L = r"(?<![0-9A-Za-z*＊×])"
_EDGE_R = r"(?![0-9A-Za-z*＊×])"
_ID18 = re.compile(_EDGE_L + r"(\d{17}[\dXx])" + _EDGE_R)
_ID15 = re.compile(_EDGE_L + r"(\d{15})" + _EDGE_R)
_MOBILE = re.compile(r"(?<![0-9A-Za-z*＊×\-－])(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![0-9A-Za-z*＊×])")
_CARD = re.compile(_EDGE_L + r"(\d{4}(?: ?\d{4}){2} ?\d{4,7}|\d{16,19})" + _EDGE_R)
_LONG = re.compile(r"\d{11,}[Xx]?")

_ID_CONTEXT = re.compile(r"身份证|证件号|公民身份号码|身份号码")
_PERSONAL = re.compile(r"身份证|证件号|住址|家庭|户主|申请人|本人|患者|学生|当事人|被处罚人|"
                       r"姓名|性别|出生|年龄|村民|居民|低保|救助|补贴对象|名单|家属")
_OFFICIAL_CONTACT = re.compile(r"联系电话|联系方式|咨询电话|监督电话|投诉电话|举报电话|联系人|"
                               r"办公电话|服务热线|热线|传真|邮箱|值班电话|受理电话|报名电话")
_CARD_CONTEXT = re.compile(r"银行卡|卡号|储蓄卡|借记卡|信用卡|社保卡|银行账号|个人账户|存折")
_CORPORATE = re.compile(r"单位|公司|财政|账户名称|户名|收款人名称|开户单位|有限|中心|基金")


def valid_id18(number: str, today: dt.date | None = None) -> bool:
    """GB 11643: valid province, a real birth date not in the future, and the check digit."""
    if len(number) != 18 or number[:2] not in PROVINCES or number[2:6] == "0000":
        return False
    if not _birth_ok(number[6:14], today):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def valid_id15(number: str, today: dt.date | None = None) -> bool:
    """Legacy 15-digit numbers (before 1999): province and a 19YYMMDD birth date."""
    return (len(number) == 15 and number.isdigit() and number[:2] in PROVINCES
            and number[2:6] != "0000" and _birth_ok("19" + number[6:12], today))


def _birth_ok(yyyymmdd: str, today: dt.date | None) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= (today or dt.date.today())


def luhn(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mask_number(value: str) -> str:
    """``13812341234`` → ``138****1234``; longer numbers keep 4 digits at each end."""
    keep_head = 3 if len(value) <= 12 else 4
    if len(value) <= keep_head + 4:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]


def mask_text(text: str) -> str:
    """Every run of 11 or more digits masked, length kept."""
    return _LONG.sub(lambda m: mask_number(m.group()), text)


def _near(pattern: re.Pattern, text: str, start: int, end: int, before: int = 20,
          after: int = 10) -> bool:
    # Stay on the same line: table rows and list items are lines after extraction.
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    return pattern.search(text, max(lo, start - before), min(hi, end + after)) is not None


def find_leaks(text: str, today: dt.date | None = None) -> list[tuple[str, int, int, Confidence]]:
    """(kind, start, end, confidence) of every leaked number; kinds: 身份证号 / 手机号 / 银行卡号."""
    leaks: list[tuple[str, int, int, Confidence]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _ID18.finditer(text):
        if valid_id18(m.group(1), today):
            leaks.append(("身份证号", m.start(1), m.end(1), Confidence.CERTAIN))
            taken.append(m.span(1))
    for m in _ID15.finditer(text):
        if free(*m.span(1)) and valid_id15(m.group(1), today) and _near(
                _ID_CONTEXT, text, m.start(1), m.end(1), before=40):
            leaks.append(("身份证号", m.start(1), m.end(1), Confidence.SUSPECTED))
            taken.append(m.span(1))
    for m in _CARD.finditer(text):
        digits = m.group(1).replace(" ", "")
        if not (16 <= len(digits) <= 19) or not free(*m.span(1)):
            continue
        if (luhn(digits) and digits[0] in "34569"
                and _near(_CARD_CONTEXT, text, m.start(1), m.end(1))
                and not _near(_CORPORATE, text, m.start(1), m.end(1), before=30)):
            leaks.append(("银行卡号", m.start(1), m.end(1), Confidence.SUSPECTED))
            taken.append(m.span(1))
    for m in _MOBILE.finditer(text):
        if not free(*m.span(1)):
            continue
        lo = text.rfind("\n", 0, m.start()) + 1
        hi = text.find("\n", m.end())
        hi = len(text) if hi < 0 else hi
        row_has_id = any(k == "身份证号" and lo <= s < hi for k, s, _, _ in leaks)
        personal = row_has_id or _near(_PERSONAL, text, m.start(1), m.end(1), before=30, after=20)
        official = _near(_OFFICIAL_CONTACT, text, m.start(1), m.end(1), before=12, after=0)
        if personal and not (official and not row_has_id):
            leaks.append(("手机号", m.start(1), m.end(1), Confidence.SUSPECTED))
            taken.append(m.span(1))
    return sorted(leaks, key=lambda x: x[1])


def check_privacy(text: str, *, url: str = "", subject: str = "", location: str = "",
                  today: dt.date | None = None) -> list[Finding]:
    """Leaked personal numbers; ``location`` names the attachment page / sheet / row."""
    shown = mask_text(text)
    findings = []
    where = f"（{location}）" if location else ""
    for kind, start, end, confidence in find_leaks(text, today):
        masked = shown[start:end]
        findings.append(make_finding(
            PRIVACY, "W-V1", text=text, start=start, end=end, shown=shown,
            message=f"疑似泄露个人信息：{kind} {masked}{where}", url=url, subject=subject,
            confidence=confidence, item="privacy_leak", category=kind,
            suggestion="删除或按规定脱敏（如 3411**********1234、138****1234）",
            location=location,
        ))
    return findings

def check_attachment(data: bytes, filename: str, *, url: str = "", subject: str = ""):
    """Privacy findings of one attachment, each located by page / sheet / row."""
    from govinspect.rules.attachment_text import extract_chunks

    findings = []
    for chunk in extract_chunks(data, filename):
        findings += check_privacy(chunk.text, url=url, subject=subject,
                                  location=f"{filename} {chunk.location}")
    return findings


def privacy_leaks(page, ctx) -> list[Finding]:
    """GI-P001 on a page's main text, or inside an attachment (PDF, Word, Excel), located by
    page / sheet / row. An attachment that cannot be read is not a finding here (a broken
    download is W-D22's)."""
    if page.facts is not None:
        if not page.facts.main_text:
            return []
        return check_privacy(page.facts.main_text, url=page.capture.url, subject=page.site.code)
    from urllib.parse import unquote, urlsplit

    from govinspect.rules.attachment_text import AttachmentError

    name = unquote(urlsplit(page.capture.url).path.rsplit("/", 1)[-1]) or "附件"
    try:
        return check_attachment(page.body, name, url=page.capture.url, subject=page.site.code)
    except AttachmentError:
        return []



PRIVACY = register(Rule(
    id="GI-P001",
    title="个人信息泄露（身份证号、手机号、银行卡号）",
    indicators=("W-V1",),
    what="在页面正文、表格和附件（PDF、Word、Excel）中查找未脱敏的居民身份证号（18位，校验码、"
    "地区码、出生日期均有效；15位旧号码需有“身份证”字样）、个人手机号（出现在姓名、住址等个人"
    "信息旁，不含单位联系电话）和银行卡号（Luhn 校验、位数和“卡号”等字样）。已脱敏的号码、"
    "固定电话、文号、流水号不报。证据中的号码一律脱敏。",
    why="公示名单、补贴发放表等附件中泄露公民个人信息，违反《个人信息保护法》，属于检查中的"
    "严重问题，并可能引发舆情。",
    example="<td>张某某</td><td>341102199001011234</td><td>13812345678</td>",
    fix="立即撤下或替换为脱敏版本（身份证号保留前4位和后4位，手机号保留前3位和后4位），"
    "并清理搜索引擎快照和附件副本。",
    basis="W-V1 安全、泄密事故等严重问题；《中华人民共和国个人信息保护法》；"
    "《政府信息公开条例》第十五条。",
    check=privacy_leaks,
    scope=Scope.PAGE, emits=(("W-V1", "privacy_leak"),),
    recheck=RecheckMode.PAGES,
    needs=("main_text", "attachments"),
))
