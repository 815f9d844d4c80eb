from django.contrib import admin

from logbook import wording
from logbook.models import DailyCheckin, HydrationEntry, Profile, TwitchEpisode, Workout


class EntryAdmin(admin.ModelAdmin):
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["id", "created_at", "updated_at"]
    list_per_page = 50


@admin.register(Workout)
class WorkoutAdmin(EntryAdmin):
    list_display = ["started_at", "user", "kind", "duration_min", "rpe", "load"]
    list_filter = ["started_at", "kind", "hot_conditions", "warmed_up"]
    readonly_fields = [*EntryAdmin.readonly_fields, "load"]


@admin.register(HydrationEntry)
class HydrationAdmin(EntryAdmin):
    list_display = ["taken_at", "user", "drink", "volume_ml"]
    list_filter = ["taken_at", "drink"]


@admin.register(TwitchEpisode)
class EpisodeAdmin(EntryAdmin):
    list_display = ["started_at", "user", "kind", "body_region", "side", "duration", "pain"]
    list_filter = ["started_at", "kind", "body_region", "timing", "weakness", "sensation_change"]

    @admin.display(description="duration", ordering="duration_s")
    def duration(self, episode):
        return wording.duration(episode.duration_s)


@admin.register(DailyCheckin)
class CheckinAdmin(EntryAdmin):
    list_display = ["date", "user", "sleep_hours", "caffeine_mg", "stress", "ill"]
    list_filter = ["date", "ill", "new_medication"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "units", "daily_fluid_target_ml", "digest_enabled"]
    list_filter = ["units", "digest_enabled"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["id", "created_at", "updated_at"]
