"""The FHIR bundle: the page session's download and the API's endpoint."""

from django.urls import path

from records import fhir_views

urlpatterns = [
    path("summary/fhir.json", fhir_views.summary_fhir, name="summary_fhir"),
    path("api/v1/summary/fhir/", fhir_views.SummaryFhirView.as_view(), name="api-summary-fhir"),
]
