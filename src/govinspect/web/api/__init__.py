"""REST API (Django REST framework, OpenAPI 3 via drf-spectacular) over the same services and
the same ``accounts.scope.Scope`` as the workspace (docs/api.md)."""
