from django.urls import path
from rest_framework.routers import SimpleRouter

from triage.api import views

router = SimpleRouter()
router.register("flags", views.FlagViewSet, basename="flag")

urlpatterns = [
    path("load/", views.LoadView.as_view(), name="api-load"),
    path("patterns/", views.PatternsView.as_view(), name="api-patterns"),
    *router.urls,
]
