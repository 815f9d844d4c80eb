from django.urls import path

from triage import views

urlpatterns = [
    path("load/", views.load_page, name="load"),
    path("flags/", views.flags_page, name="flags"),
    path("flags/<uuid:pk>/acknowledge/", views.acknowledge, name="acknowledge_flag"),
]
