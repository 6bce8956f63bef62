"""The workspace's URLs (namespace ``workspace``). Every pattern here is walked by the
isolation test (tests/web/test_workspace_isolation.py) as a user of another unit: a new
pattern whose arguments that test does not know how to fill fails it."""

from django.contrib.auth import views as auth_views
from django.urls import path

from govinspect.web.workspace import views
from govinspect.web.workspace.access import public_view
from govinspect.web.workspace.progress import round_progress_view

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", public_view(auth_views.LoginView.as_view(
        template_name="workspace/login.html", redirect_authenticated_user=True)), name="login"),
    path("logout/", public_view(auth_views.LogoutView.as_view()), name="logout"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.round_dashboard, name="round"),
    path("rounds/<int:round_id>/download/<str:kind>/", views.round_download, name="download"),
    path("rounds/<int:round_id>/publish/", views.round_publish, name="publish"),
    path("rounds/<int:round_id>/findings/", views.round_findings, name="findings"),
    path("rounds/<int:round_id>/sites/<str:site_code>/", views.round_site, name="site"),
    path("rounds/<int:round_id>/review/", views.review_queue, name="review"),
    path("rounds/<int:round_id>/review/decide/", views.review_decide, name="review_decide"),
    path("rounds/<int:round_id>/rectification/", views.round_items, name="round_items"),
    path("rounds/<int:round_id>/progress/", round_progress_view, name="progress"),
    path("rounds/<int:round_id>/rectification/export/", views.items_export,
         name="items_export"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/capture/", views.finding_capture, name="capture"),
    path("findings/<int:finding_id>/decide/", views.finding_decide, name="decide"),
    path("findings/<int:finding_id>/flag/", views.finding_flag, name="flag"),
    path("rectification/", views.items, name="items"),
    path("rectification/<int:item_id>/", views.item_detail, name="item"),
    path("rectification/<int:item_id>/transition/", views.item_transition,
         name="item_transition"),
    path("rectification/<int:item_id>/files/<int:entry_id>/", views.item_file,
         name="item_file"),
    path("rectification/<int:item_id>/rechecks/<int:recheck_id>/pages/<int:page>/",
         views.item_recheck_page, name="item_recheck_page"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:decision_id>/revoke/", views.decision_revoke, name="decision_revoke"),
]
