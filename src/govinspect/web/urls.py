from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("govinspect.web.api.urls")),
    path("", include("govinspect.web.workspace.urls")),
]
