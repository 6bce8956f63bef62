"""GI-M001: problems a person found and entered (人工检查问题), as findings of a registered rule.

Inspectors enter what no rule can see (信息提交、统一登录、办理答复 …) in the manual workbook or
with ``govinspect review add``; ``indicators.manual_io`` checks each row's indicator and item
against the round's indicator set. The engine runs this rule in the manual scope like any
other, so every finding of a round carries a registered rule id.
"""

from __future__ import annotations

from govinspect.core.types import Finding
from govinspect.rules.base import ANY_ITEM, Rule, Scope, register


def manual_entries(data, ctx) -> list[Finding]:
    """The round's 人工检查问题 rows, as they were entered."""
    return [f for f in data.entries if f.rule_id == MANUAL_ENTRY.id]


MANUAL_ENTRY = register(Rule(
    id="GI-M001",
    title="人工检查发现的问题",
    indicators=(ANY_ITEM,),
    what="检查人员在人工检查表（“人工检查问题”工作表）或工作台中录入的问题：网站标识码或账号"
    "标识码、指标、扣分项、问题描述、网址，可选扣分。指标和扣分项须为本轮指标体系中的项目"
    "（导入时校验）；录入的扣分覆盖指标体系的分值。",
    why="有些指标只能由人检查（信息提交、统一登录、办理答复质量、模拟咨询等），录入后与自动"
    "检查的问题一起计分、进入通报和整改清单。",
    example="3411000001	W-D16	cannot_submit	依申请公开表单提交后提示“系统错误”	"
    "http://www.example.gov.cn/ysqgk/",
    fix="对照指标体系中该指标的要求逐项整改（整改清单按指标给出整改建议）。",
    basis="国办秘函〔2019〕19号 检查指标中需人工检查的各项；INDICATORS.md 人工检查。",
    check=manual_entries,
    scope=Scope.MANUAL, emits=((ANY_ITEM, ANY_ITEM),),
    needs=("manual_entries",),
))
