from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """A person's records, for their doctor and for themselves: the visit summary
    (page, PDF, CSV), share links for a clinician, the FHIR bundle, the export of
    everything, and deleting the account.

    It reads logbook and triage; neither of them imports it."""

    name = "records"
    verbose_name = "Records"
