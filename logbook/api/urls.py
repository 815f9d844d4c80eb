from django.urls import path
from rest_framework.routers import DefaultRouter

from logbook.api import imports, views
from logbook.kinds import KINDS

router = DefaultRouter()
for kind in KINDS:
    router.register(kind.api_key, views.entry_viewset(kind.api_key), basename=kind.slug)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", views.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("sync/", views.SyncView.as_view(), name="api-sync"),
    path("imports/", imports.ImportsView.as_view(), name="api-imports"),
    path("imports/<uuid:pk>/", imports.ImportView.as_view(), name="api-import"),
    *router.urls,
]
