"""Generate the rules reference (docs/rules.md) from the rule registry.

`python -m govinspect.rules.docs` prints it; `--write` updates docs/rules.md. A test keeps the
committed page equal to the generated one, so every registered rule is documented."""

from __future__ import annotations

import sys
from pathlib import Path

from govinspect.rules.base import ANY_ITEM, all_rules

HEADER = """# 规则参考 / Rules reference

Generated from the rule registry by `python -m govinspect.rules.docs --write`; do not edit by hand.
Each rule: id, the indicators it feeds (ids of INDICATORS.md), its scope (what one run looks at:
page, site, account, probe, manual, engine — see docs/architecture.md), the (indicator, item)
pairs it may report, how a rectification re-check verifies a fix (Rule.recheck), what it
checks, why it matters, an example, how to fix it, and its basis.
"""

SCOPES = {"page": "页面（每个采集到的页面）", "site": "网站（每个网站的全部页面）",
          "account": "政务新媒体账号（本轮全部账号）", "probe": "首页监测（每个网站的监测记录）",
          "manual": "人工记录（本轮的人工检查和账号检查）", "engine": "引擎（规则运行出错时）"}


RECHECKS = {"manual": "人工核验", "pages": "重新抓取问题页面并运行本规则",
            "links": "重新抓取含失效链接的页面并检查其链接", "roster": "按网站名录信息判断，无需抓取"}


def _emits(rule) -> str:
    return "、".join(f"{i}/{it}" if it != ANY_ITEM else (f"{i}/任一扣分项" if i != ANY_ITEM
                                                            else "任一指标和扣分项")
                    for i, it in rule.emits)



def render() -> str:
    parts = [HEADER]
    for rule in all_rules():
        parts.append(f"\n## {rule.id} {rule.title}\n")
        parts.append(f"- 指标：{'、'.join(rule.indicators)}\n")
        parts.append(f"- 范围：{SCOPES[rule.scope]}" + ("；仅在指定时运行" if not rule.by_default
                                                     else "") + "\n")
        parts.append(f"- 可报告的扣分项：{_emits(rule)}\n")
        parts.append(f"- 整改复查：{RECHECKS[rule.recheck]}\n")
        parts.append(f"\n**规则说明**　{rule.what}\n")
        parts.append(f"\n**为什么重要**　{rule.why}\n")
        parts.append(f"\n**示例**\n\n```html\n{rule.example}\n```\n")
        parts.append(f"\n**整改建议**　{rule.fix}\n")
        parts.append(f"\n**依据**　{rule.basis}\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--write" in argv:
        target = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
