"""What one user may see and do — the ONE place that scopes data by unit.

Every workspace view (and the REST API to come) gets its querysets from a ``Scope``; no view
filters by unit itself. The office (组织单位管理员) and inspectors (检查员) see every unit; a
填报单位 user sees the units it is bound to and every unit below them in the roster hierarchy
(``Unit.parent``), and of a round only what was published (通报已发布): its own sites',
accounts' and findings' results, never another unit's.

``Scope.get_*`` return one object or raise ``Http404`` — for an object of another unit the
answer is the same as for one that does not exist, so ids of other units cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet
from django.http import Http404

from govinspect.web.accounts.models import Membership, Role
from govinspect.web.roster.models import Account, Site, Unit
from govinspect.web.rounds.models import Capture, Finding, ReviewState, Round


def unit_closure(unit_ids) -> frozenset[int]:
    """``unit_ids`` and every unit below them (the roster is small: one query, then a walk)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    seen: set[int] = set()
    todo = list(unit_ids)
    while todo:
        pk = todo.pop()
        if pk in seen:
            continue
        seen.add(pk)
        todo.extend(children.get(pk, ()))
    return frozenset(seen)


@dataclass(frozen=True)
class Scope:
    user: object
    role: Role | None
    # the units the user may see; None: every unit (office, inspectors)
    unit_ids: frozenset[int] | None

    @classmethod
    def for_user(cls, user) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user, None, frozenset())
        membership = Membership.objects.filter(user=user).first()
        if membership is None:
            # A superuser without a workspace role is the office; anyone else has no role yet.
            role = Role.OFFICE if user.is_superuser else None
            return cls(user, role, None if role else frozenset())
        role = Role(membership.role)
        if role == Role.UNIT:
            return cls(user, role, unit_closure(membership.units.values_list("pk", flat=True)))
        return cls(user, role, None)

    # ── what the role may do ────────────────────────────────────────────────────────────
    @property
    def sees_all(self) -> bool:
        return self.role in (Role.OFFICE, Role.INSPECTOR)

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE

    @property
    def can_review(self) -> bool:
        """Confirm or dismiss findings, record review decisions (复核)."""
        return self.sees_all

    @property
    def can_verify(self) -> bool:
        """Decide a marked rectification item (已核验 / 未通过)."""
        return self.sees_all

    @property
    def can_publish(self) -> bool:
        return self.is_office

    @property
    def can_rectify(self) -> bool:
        """Mark items of its own units 已整改."""
        return self.role == Role.UNIT

    @property
    def label(self) -> str:
        return self.role.label if self.role else "未分配角色"

    @cached_property
    def units_label(self) -> str:
        """The units the user answers for (the top ones of its closure)."""
        if self.unit_ids is None:
            return "全部单位"
        tops = Unit.objects.filter(pk__in=self.unit_ids).exclude(parent_id__in=self.unit_ids)
        return "、".join(str(u) for u in tops) or "—"

    # ── querysets ────────────────────────────────────────────────────────────────────────
    def _by_unit(self, qs: QuerySet, *paths: str) -> QuerySet:
        if self.unit_ids is None:
            return qs
        cond = Q()
        for path in paths:
            cond |= Q(**{f"{path}__in": self.unit_ids})
        return qs.filter(cond)

    def units(self) -> QuerySet:
        return self._by_unit(Unit.objects.all(), "pk")

    def sites(self, qs: QuerySet | None = None) -> QuerySet:
        return self._by_unit(Site.objects.all() if qs is None else qs, "unit_id")

    def accounts(self, qs: QuerySet | None = None) -> QuerySet:
        return self._by_unit(Account.objects.all() if qs is None else qs, "unit_id")

    def rounds(self) -> QuerySet:
        """Office and inspectors: every round; a unit: the rounds whose 通报 was published."""
        if self.sees_all:
            return Round.objects.all()
        if self.role is None:
            return Round.objects.none()
        return Round.objects.filter(publication__isnull=False)

    def findings(self, qs: QuerySet | None = None) -> QuerySet:
        """Findings of the visible rounds on the visible sites and accounts; a unit never sees
        what review dismissed."""
        qs = Finding.objects.all() if qs is None else qs
        if self.sees_all:
            return qs
        qs = self._by_unit(qs, "site__unit_id", "account__unit_id")
        return (qs.filter(round__in=self.rounds())
                .exclude(review_state=ReviewState.DISMISSED))

    def captures(self, qs: QuerySet | None = None) -> QuerySet:
        qs = Capture.objects.all() if qs is None else qs
        if self.sees_all:
            return qs
        return self._by_unit(qs, "site__unit_id").filter(round__in=self.rounds())

    def items(self, qs: QuerySet | None = None) -> QuerySet:
        """Rectification items (整改事项) of the visible rounds and units."""
        from govinspect.web.rectify.models import Item

        qs = Item.objects.all() if qs is None else qs
        if self.sees_all:
            return qs
        return self._by_unit(qs, "unit_id").filter(round__in=self.rounds())

    def audit(self, qs: QuerySet | None = None) -> QuerySet:
        from govinspect.web.rectify.models import AuditEntry

        qs = AuditEntry.objects.all() if qs is None else qs
        return qs.filter(item__in=self.items())

    def decisions(self, qs: QuerySet | None = None) -> QuerySet:
        """Review decisions: the reviewers' own records, not shown to units."""
        from govinspect.web.decisions.models import Decision

        qs = Decision.objects.all() if qs is None else qs
        return qs if self.can_review else qs.none()

    # ── one object or 404 ────────────────────────────────────────────────────────────────
    @staticmethod
    def _one(qs: QuerySet, **lookup):
        obj = qs.filter(**lookup).first()
        if obj is None:
            raise Http404("没有找到，或无权查看")
        return obj

    def get_round(self, pk: int) -> Round:
        return self._one(self.rounds(), pk=pk)

    def get_site(self, code: str) -> Site:
        return self._one(self.sites().select_related("unit"), code=code)

    def get_finding(self, pk: int) -> Finding:
        return self._one(self.findings().select_related("round", "site", "account",
                                                        "site__unit", "account__unit"), pk=pk)

    def get_item(self, pk: int):
        return self._one(self.items().select_related("round", "unit", "site", "account"), pk=pk)

    def get_audit_entry(self, item, pk: int):
        return self._one(self.audit().filter(item=item), pk=pk)

    def get_decision(self, pk: int):
        return self._one(self.decisions(), pk=pk)
