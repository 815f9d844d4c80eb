from django.contrib import admin

from triage.models import DigestLog, EvaluationState, Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["user", "rule", "severity", "window_start", "window_end", "status"]
    list_filter = ["rule", "severity", "status", "window_end"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(EvaluationState)
class EvaluationStateAdmin(admin.ModelAdmin):
    list_display = ["user", "changed_at", "last_evaluated_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ["user", "iso_year", "iso_week", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "iso_year", "iso_week"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "iso_year",
        "iso_week",
        "status",
        "claim",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
