from django.urls import path

from triage import views

urlpatterns = [
    path("load/", views.load_page, name="load"),
    path("flags/", views.flags_page, name="flags"),
    path("patterns/", views.patterns_page, name="patterns"),
    path("flags/<uuid:pk>/acknowledge/", views.acknowledge, name="acknowledge_flag"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path("digest/preview/<int:user_id>/", views.digest_preview, name="digest_preview"),
]
