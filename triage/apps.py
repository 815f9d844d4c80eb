from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Triage"

    def ready(self):
        from logbook.signals import entry_changed
        from triage.scheduling import on_entry_changed

        entry_changed.connect(on_entry_changed, dispatch_uid="triage-evaluate-on-change")
