from django.urls import include, path

from records import views

urlpatterns = [
    path("summary/", views.summary_page, name="summary"),
    path("summary/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("summary/episodes.csv", views.episodes_csv, name="summary_csv"),
    path("summary/share/", views.create_share_link, name="share_create"),
    path("summary/share/<uuid:pk>/revoke/", views.revoke_share_link, name="share_revoke"),
    path("shared/<str:token>/", views.shared_summary, name="shared_summary"),
    path("shared/<str:token>/summary.pdf", views.shared_pdf, name="shared_pdf"),
    path("", include("records.fhir_urls")),
    path("", include("records.account_urls")),
]
