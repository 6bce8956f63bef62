"""GI-E001: a rule that failed is reported, never silently clean.

The engine (``rules/engine.py``) turns an exception in a rule, or a finding the rule had not
declared, into one finding of this rule for the subject and place where it happened; the other
rules run on. Its indicator ``ENGINE`` is in no indicator set: the finding never scores, it is
listed for the office (审核) so that the failure is seen and the rule fixed.
"""

from __future__ import annotations

from govinspect.core.types import Confidence, Evidence, Finding
from govinspect.rules.base import Rule, Scope, register

INDICATOR = "ENGINE"


def rule_failed(failure, ctx) -> list[Finding]:
    """One finding naming the failed rule, where it failed and why."""
    return [Finding(
        rule_id=RULE_FAILED.id, indicator_id=INDICATOR, subject=failure.subject,
        message=f"规则 {failure.rule_id} 运行出错，本处未检查：{failure.error}",
        evidence=Evidence(url=failure.url, context=failure.error[:200]),
        confidence=Confidence.SUSPECTED, item="rule_failed",
        details={"rule": failure.rule_id, "error": failure.error})]


RULE_FAILED = register(Rule(
    id="GI-E001",
    title="规则运行出错（本处未检查）",
    indicators=(INDICATOR,),
    what="某条规则在某个页面、网站或账号上运行出错（程序异常），或返回了它未声明的指标、扣分项时，"
    "引擎记录一条本规则的问题，写明出错的规则、位置和原因；其他规则照常运行。该问题不计分，"
    "供审核人员知悉该处未被这条规则检查。",
    why="规则出错时若不报告，该页面会被当作“未发现问题”，检查结果看似干净实则漏检。",
    example="规则 GI-D002 运行出错，本处未检查：ValueError: day is out of range for month",
    fix="（面向检查人员）将出错信息反馈给系统维护人员修复规则后，重新分析本轮。",
    basis="检查系统自身的运行记录，不对应检查指标，不计分。",
    check=rule_failed,
    scope=Scope.ENGINE, emits=((INDICATOR, "rule_failed"),),
    needs=("rule_failure",),
))
