"""Who may open a workspace view, and the headers every workspace page carries.

Each view is wrapped in ``workspace_view``: it requires a signed-in user with a workspace
role in ``roles``, builds the user's ``Scope`` (``request.scope``) and refuses other methods.
The isolation test checks that every URL pattern of the workspace resolves to a wrapped view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from govinspect.web.accounts.models import Role
from govinspect.web.accounts.scope import Scope

ALL = (Role.OFFICE, Role.INSPECTOR, Role.UNIT)
REVIEWERS = (Role.OFFICE, Role.INSPECTOR)
OFFICE = (Role.OFFICE,)

# Pages of the workspace load only the project's own static files; nothing from outside.
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
            "object-src 'none'")


def forbidden(request, message: str, status: int = 403):
    return render(request, "workspace/forbidden.html", {"message": message}, status=status)


def _with_csp(response):
    if "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = PAGE_CSP
    return response


def public_view(view) -> Callable:
    """A page anyone may open (sign in, sign out): it shows no data of any unit."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return _with_csp(view(request, *args, **kwargs))

    wrapper.workspace_access = {"roles": "public", "methods": ("GET", "POST")}
    return wrapper


def workspace_view(roles: Iterable[Role] = ALL, methods: Iterable[str] = ("GET",)) -> Callable:
    roles, methods = tuple(roles), tuple(m.upper() for m in methods)

    def wrap(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            scope = Scope.for_user(request.user)
            if scope.role is None:
                return forbidden(request, "您的账号尚未分配工作台角色，请联系组织单位管理员。")
            if scope.role not in roles:
                return forbidden(request, "您的角色无权使用此功能。")
            request.scope = scope
            return _with_csp(view(request, *args, **kwargs))

        wrapper.workspace_access = {"roles": roles, "methods": methods}
        return wrapper

    return wrap
