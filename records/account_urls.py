"""Your data, and leaving: the export and deleting the account."""

from django.urls import path

from records import account_views

urlpatterns = [
    path("settings/export/", account_views.export_download, name="export"),
    path("settings/delete/", account_views.delete_account, name="delete_account"),
    path("api/v1/export/", account_views.ExportView.as_view(), name="api-export"),
]
