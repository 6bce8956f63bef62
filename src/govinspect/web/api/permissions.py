"""Who may call an API view: a signed-in user (token or session) with a workspace role, and
for writes the roles the view names. The data each role sees comes from its ``Scope``."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from govinspect.web.accounts.models import Role
from govinspect.web.accounts.scope import Scope

ALL = (Role.OFFICE, Role.INSPECTOR, Role.UNIT)
REVIEWERS = (Role.OFFICE, Role.INSPECTOR)
OFFICE = (Role.OFFICE,)


def scope_of(request) -> Scope:
    """The request's ``Scope``, built once per request."""
    scope = getattr(request, "_govinspect_scope", None)
    if scope is None or scope.user is not request.user:
        scope = Scope.for_user(request.user)
        request._govinspect_scope = scope
    return scope


class HasRole(BasePermission):
    """The view's ``roles`` (per action: ``action_roles``; default every workspace role)."""

    message = "您的账号尚未分配工作台角色，或您的角色无权使用此功能。"

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        scope = scope_of(request)
        if scope.role is None:
            return False
        roles = getattr(view, "action_roles", {}).get(getattr(view, "action", None))
        if roles is None:
            roles = getattr(view, "roles", ALL)
        return scope.role in roles
