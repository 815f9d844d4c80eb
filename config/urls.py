from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views

handler404 = "config.rest.page_not_found"  # JSON under /api/

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("health/", views.readyz, name="health"),  # the name wave one documented
    path("admin/", admin.site.urls),
    path("api/v1/", include("logbook.api.urls")),
    path("api/v1/", include("triage.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("records.urls")),
    path("", include("triage.urls")),
    path("", include("logbook.urls")),
]
