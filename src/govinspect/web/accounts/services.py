"""Creating workspace users (the CLI and the demo call these; the admin edits them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from govinspect.web.accounts.models import Membership, Role
from govinspect.web.roster.models import Site, Unit


class UserError(Exception):
    """Nothing was created (message in Chinese)."""


def find_unit(text: str) -> Unit:
    """A unit by its name, or "名称/所属地区" when the name is used in several regions."""
    name, _, region = text.partition("/")
    qs = Unit.objects.filter(name=name.strip())
    if region.strip():
        qs = qs.filter(region=region.strip())
    found = list(qs[:10])
    if not found:
        raise UserError(f"名录中没有单位“{text}”")
    if len(found) > 1:
        raise UserError(f"单位“{text}”有多个，请写作 名称/所属地区："
                        + "、".join(f"{u.name}/{u.region}" for u in found))
    return found[0]


def create_user(username: str, password: str, role: Role | str, *, units=(),
                full_name: str = "") -> object:
    """A user with a workspace role. Office administrators also get the admin back office
    (superuser); inspectors and unit users the workspace only. A unit user needs ≥ 1 unit."""
    role = Role(role)
    units = list(units)
    if role == Role.UNIT and not units:
        raise UserError("填报单位用户至少要绑定一个单位")
    if role != Role.UNIT and units:
        raise UserError("只有填报单位用户需要绑定单位")
    if not password:
        raise UserError("请设置密码")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise UserError(f"用户名“{username}”已存在")
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, password=password,
                                              first_name=full_name)
        if role == Role.OFFICE:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        membership = Membership.objects.create(user=user, role=role)
        membership.units.set(units)
    return user


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role
    units: str


DEMO_PASSWORD = "govinspect-demo"  # the demo workspace only (printed by `govinspect demo`)


def create_demo_users() -> list[DemoUser]:
    """The demo's accounts: the office, an inspector, a city department and a county (which
    sees its departments too). Units are chosen from the demo roster, deterministically."""
    department = (Site.objects.filter(kind="部门", unit__region="市直")
                  .select_related("unit").order_by("code").first())
    county = (Unit.objects.filter(level="县市区", children__sites__isnull=False)
              .distinct().order_by("name").first())
    made = [DemoUser("office", DEMO_PASSWORD, Role.OFFICE, "全部单位"),
            DemoUser("inspector", DEMO_PASSWORD, Role.INSPECTOR, "全部单位")]
    create_user("office", DEMO_PASSWORD, Role.OFFICE, full_name="示例市政府办公室")
    create_user("inspector", DEMO_PASSWORD, Role.INSPECTOR, full_name="检查员")
    for username, unit in (("dept", department.unit if department else None),
                           ("county", county)):
        if unit is None:
            continue
        create_user(username, DEMO_PASSWORD, Role.UNIT, units=[unit], full_name=unit.name)
        made.append(DemoUser(username, DEMO_PASSWORD, Role.UNIT, str(unit)))
    return made
