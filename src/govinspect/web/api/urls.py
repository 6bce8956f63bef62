"""The API's URLs (namespace ``api``). Every pattern here is walked by the API isolation test
(tests/web/test_api_isolation.py) as a user of another unit."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from govinspect.web.api import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("units", views.UnitViewSet, basename="unit")
router.register("sites", views.SiteViewSet, basename="site")
router.register("accounts", views.AccountViewSet, basename="account")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("items", views.ItemViewSet, basename="item")
router.register("decisions", views.DecisionViewSet, basename="decision")

PUBLIC = ("api:schema", "api:token")  # no data of any unit

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("token/", obtain_auth_token, name="token"),
    path("roster/import/", views.RosterImportView.as_view(), name="roster_import"),
    *router.urls,
]
