from django.urls import path
from rest_framework.routers import DefaultRouter

from logbook.api import views

router = DefaultRouter()
router.register("workouts", views.WorkoutViewSet, basename="workout")
router.register("hydration", views.HydrationViewSet, basename="hydration")
router.register("episodes", views.EpisodeViewSet, basename="episode")
router.register("checkins", views.CheckinViewSet, basename="checkin")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("sync/", views.SyncView.as_view(), name="api-sync"),
    *router.urls,
]
