"""`govinspect user …`: workspace users (组织单位管理员 / 检查员 / 填报单位)."""

from __future__ import annotations

import click

ROLES = {"office": "组织单位管理员", "inspector": "检查员", "unit": "填报单位"}


@click.group()
def user() -> None:
    """工作台用户：创建用户、查看用户及其单位。"""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(ROLES)),
              help="office=组织单位管理员（含管理后台），inspector=检查员，unit=填报单位")
@click.option("--unit", "units", multiple=True,
              help="填报单位用户所属单位（可多次）；同名单位写作 名称/所属地区")
@click.option("--name", "full_name", default="", help="姓名或单位名称（显示用）")
@click.password_option("--password", help="登录密码（不写则提示输入）")
def add(username: str, role: str, units: tuple[str, ...], full_name: str, password: str) -> None:
    """创建工作台用户。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.web.accounts.services import UserError, create_user, find_unit

    try:
        found = [find_unit(u) for u in units]
        create_user(username, password, role, units=found, full_name=full_name)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    where = f"，单位：{'、'.join(map(str, found))}" if found else ""
    click.echo(f"已创建用户 {username}（{ROLES[role]}{where}）")


@user.command("list")
def list_() -> None:
    """列出工作台用户。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from django.contrib.auth import get_user_model

    from govinspect.web.accounts.scope import Scope

    for u in get_user_model().objects.order_by("username"):
        scope = Scope.for_user(u)
        click.echo(f"{u.username}\t{scope.label}\t{scope.units_label}"
                   + ("" if u.is_active else "\t（已停用）"))


@user.command("token")
@click.argument("username")
@click.option("--renew", is_flag=True, help="作废旧令牌并生成新令牌")
def token(username: str, renew: bool) -> None:
    """显示（或生成）用户调用接口（/api/）所用的令牌。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise click.ClickException(f"没有用户 {username}")
    if renew:
        Token.objects.filter(user=found).delete()
    click.echo(Token.objects.get_or_create(user=found)[0].key)
