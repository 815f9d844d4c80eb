from django.urls import path
from rest_framework.routers import SimpleRouter

from triage.api import views

router = SimpleRouter()
router.register("flags", views.FlagViewSet, basename="flag")

urlpatterns = [path("load/", views.LoadView.as_view(), name="api-load"), *router.urls]
