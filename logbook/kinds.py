"""The four kinds of entry, described once.

Each kind says where it lives (its slug in /log/<slug>/ and its key in the API
and in a sync batch), what stores it (model), what checks it (form for the
pages, serializer for the API), and how a new entry of it starts (defaults).
The pages, the API, the sync, the service worker and the phone's JavaScript
(handed `client_data()` as JSON) all read this registry, so a kind is never
described twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.utils import timezone

from logbook import forms
from logbook.api import serializers
from logbook.models import (
    DURATION_S,
    EARLIEST_TIME,
    FUTURE_TOLERANCE,
    TOO_EARLY,
    TOO_FAR_AHEAD,
    DailyCheckin,
    Entry,
    HydrationEntry,
    Timing,
    TwitchEpisode,
    Workout,
)

# How the timing of an episode is guessed from the last logged workout (the
# phone makes the same guess offline, from client_data()).
RIGHT_AFTER = timedelta(hours=1)
HOURS_AFTER = timedelta(hours=24)


def guess_timing(workout: tuple[datetime, datetime] | None, now: datetime) -> str | None:
    """When an episode at `now` happened relative to exercise, judged only from a
    logged workout (its start and end): during it, right after (within an hour
    of its end), or hours after (within a day). None when nothing logged says:
    "unrelated to exercise" is the person's answer to give, never a default.
    """
    if workout is None:
        return None
    started, ended = workout
    if started <= now <= ended:
        return Timing.DURING_EXERCISE
    since = now - ended
    if timedelta(0) <= since <= RIGHT_AFTER:
        return Timing.RIGHT_AFTER
    if timedelta(0) <= since <= HOURS_AFTER:
        return Timing.HOURS_AFTER
    return None


def last_workout(user, now: datetime) -> tuple[datetime, datetime] | None:
    """(start, end) of the person's last workout that began by `now`."""
    last = (
        Workout.objects.filter(user=user, started_at__lte=now)
        .only("started_at", "duration_min")
        .order_by("-started_at")
        .first()
    )
    if last is None:
        return None
    return last.started_at, last.started_at + timedelta(minutes=last.duration_min)


# --- How a new entry starts: "now", and what this person logged last time ---------


def episode_defaults(user, now) -> dict:
    """Now, the last kind, region and side; timing only if a workout says so.
    Pain and the symptoms are never answered for the person."""
    initial = {"started_at": now}
    last = TwitchEpisode.objects.filter(user=user).only("kind", "body_region", "side").first()
    if last:
        initial.update(kind=last.kind, body_region=last.body_region, side=last.side)
    timing = guess_timing(last_workout(user, now), now)
    if timing:
        initial["timing"] = timing
    return initial


def workout_defaults(user, now) -> dict:
    initial = {"started_at": now}
    last = (
        Workout.objects.filter(user=user)
        .only("kind", "duration_min", "rpe", "warmed_up", "stretched_after")
        .first()
    )
    if last:
        initial.update(
            kind=last.kind,
            duration_min=last.duration_min,
            rpe=last.rpe,
            warmed_up=last.warmed_up,
            stretched_after=last.stretched_after,
        )
    return initial


def hydration_defaults(user, now) -> dict:
    last = HydrationEntry.objects.filter(user=user).only("drink", "volume_ml").first()
    return {
        "taken_at": now,
        "volume_ml": last.volume_ml if last else 250,
        "drink": last.drink if last else "water",
    }


def checkin_defaults(user, now) -> dict:
    return {"date": now.date()}


def episode_form_context(user) -> dict:
    """The last workout, which the timing guess rests on: said on the form, and
    kept on the phone so that a form filled in offline guesses the same."""
    now = timezone.now()
    workout = last_workout(user, now)
    return {
        "last_workout": workout,
        "timing_guess": guess_timing(workout, now),
        "last_workout_data": f"{workout[0].isoformat()} {workout[1].isoformat()}"
        if workout
        else "none",
    }


@dataclass(frozen=True)
class EntryKind:
    slug: str  # in the pages' URLs: /log/<slug>/
    api_key: str  # in the API's URLs, /api/v1/<api_key>/, and the key of a sync batch
    model: type[Entry]
    form: type[forms.EntryForm]
    serializer: type[serializers.EntrySerializer]
    title: str
    defaults: Callable[[object, datetime], dict]
    # What a new entry's form shows besides its fields (the episode's timing guess).
    form_context: Callable[[object], dict] = lambda user: {}
    # One a day (the check-in): "new" opens today's when there is one.
    one_a_day: bool = False

    @property
    def time_field(self) -> str:
        return self.model.time_field

    def new_entry_defaults(self, user, params=None) -> dict:
        """Start values for a new entry, which save taps; never used for an edit.

        `params` may pre-fill fields, as the body map's links do
        (?body_region=calf&side=left).
        """
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = self.defaults(user, now)
        for name, value in (params or {}).items():
            if name in self.form.base_fields and name != "id":
                initial[name] = value
        return initial


KINDS = (
    EntryKind(
        "episode",
        "episodes",
        TwitchEpisode,
        forms.EpisodeForm,
        serializers.EpisodeSerializer,
        "Twitch, spasm or cramp",
        episode_defaults,
        form_context=episode_form_context,
    ),
    EntryKind(
        "workout",
        "workouts",
        Workout,
        forms.WorkoutForm,
        serializers.WorkoutSerializer,
        "Workout",
        workout_defaults,
    ),
    EntryKind(
        "hydration",
        "hydration",
        HydrationEntry,
        forms.HydrationForm,
        serializers.HydrationSerializer,
        "Drink",
        hydration_defaults,
    ),
    EntryKind(
        "checkin",
        "checkins",
        DailyCheckin,
        forms.CheckinForm,
        serializers.CheckinSerializer,
        "Daily check-in",
        checkin_defaults,
        one_a_day=True,
    ),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}
BY_API_KEY = {kind.api_key: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}


@cache
def client_data() -> dict:
    """The registry as the phone's JavaScript needs it, to log offline exactly as
    the pages do online: which form is which kind, its time field, the rules
    of the timing guess, and the limits on times."""
    return {
        "kinds": {
            kind.api_key: {"slug": kind.slug, "title": kind.title, "timeField": kind.time_field}
            for kind in KINDS
        },
        "timing": {
            "rightAfterMs": RIGHT_AFTER // timedelta(milliseconds=1),
            "hoursAfterMs": HOURS_AFTER // timedelta(milliseconds=1),
        },
        "times": {
            "earliest": EARLIEST_TIME.isoformat(),
            "tooEarly": TOO_EARLY,
            "aheadMs": FUTURE_TOLERANCE // timedelta(milliseconds=1),
            "tooFarAhead": TOO_FAR_AHEAD,
        },
        "duration": {
            "low": DURATION_S.low,
            "high": DURATION_S.high,
            "tooShort": DURATION_S.validators()[0].message,
            "tooLong": DURATION_S.validators()[1].message,
        },
        # An episode's choices that the next new episode starts from.
        "remembered": ["kind", "body_region", "side"],
    }
