"""What a person records: workouts, drinks, daily check-ins and muscle episodes.

Every entry belongs to one user and has a UUID primary key that the client may
choose, so that an entry made offline and sent twice is stored once.

Every range is enforced twice: by the field's validators, which model forms and
the API's serializers pick up, and by a CheckConstraint in the database, which
catches whatever bypasses them (bulk writes, raw SQL, a future bug).
"""

import uuid
import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from logbook import wording

EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
# A phone's clock may run ahead, and a person may log tonight's plan early;
# anything further out than this is a typo.
FUTURE_TOLERANCE = timedelta(hours=24)
NOTES_MAX_LENGTH = 2000


TOO_EARLY = "Must be on or after 2000-01-01."
TOO_FAR_AHEAD = "Must not be more than 24 hours in the future."


def validate_plausible_time(value: datetime) -> None:
    if value < EARLIEST_TIME:
        raise ValidationError(TOO_EARLY, code="too_early")
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(TOO_FAR_AHEAD, code="future")


def validate_plausible_date(value) -> None:
    if value < EARLIEST_TIME.date():
        raise ValidationError(TOO_EARLY, code="too_early")
    if value > (timezone.now() + FUTURE_TOLERANCE).date():
        raise ValidationError("Must not be more than a day in the future.", code="future")


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(
            "%(value)s is not a time zone name; use an IANA name such as Europe/Oslo.",
            params={"value": value},
            code="unknown_timezone",
        )


class Bounds(NamedTuple):
    """A closed range [low, high] that a number must lie in.

    `say` writes a limit in the person's units for the error messages: a
    workout's "at most 24 hours", not "at most 1440".
    """

    low: float
    high: float
    say: Callable[[float], str] = wording.amount

    def validators(self):
        return [
            MinValueValidator(self.low, message=f"Must be at least {self.say(self.low)}."),
            MaxValueValidator(self.high, message=f"Must be at most {self.say(self.high)}."),
        ]

    def constraint(self, model: str, field: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high}),
            name=f"{model}_{field}_range",
        )


def choices_constraint(model: str, field: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"{model}_{field}_choice"
    )


def since_2000_constraint(model: str, field: str, earliest=EARLIEST_TIME) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": earliest}), name=f"{model}_{field}_since_2000"
    )


def length_constraint(model: str, field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), NOTES_MAX_LENGTH), name=f"{model}_{field}_length"
    )


# --- Profile ------------------------------------------------------------------


class DigestDetail(models.TextChoices):
    FULL = "full", "Full: the week's figures, episodes and flags"
    PRIVATE = "private", "Private: only how many entries and flags are new, and a link"


class Units(models.TextChoices):
    METRIC = "metric", "Metric (km, ml)"
    IMPERIAL = "imperial", "Imperial (mi, fl oz)"


FLUID_TARGET = Bounds(500, 8000, lambda n: wording.amount(n, "ml"))
BIRTH_YEAR = Bounds(1900, 2100, str)
MAX_HR = Bounds(100, 250, lambda n: wording.amount(n, "beats a minute"))


class Profile(models.Model):
    """A person's settings; created with the user and deleted with them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    units = models.CharField(max_length=8, choices=Units.choices, default=Units.METRIC)
    daily_fluid_target_ml = models.PositiveIntegerField(
        "daily fluid target (ml)", default=2000, validators=FLUID_TARGET.validators()
    )
    digest_enabled = models.BooleanField("weekly email digest", default=True)
    # Email is not a private channel: this keeps health details out of it.
    digest_detail = models.CharField(
        "what the digest says",
        max_length=8,
        choices=DigestDetail.choices,
        default=DigestDetail.FULL,
    )
    # Signed into every unsubscribe link; turning the digest back on bumps it,
    # so links from earlier emails stop working.
    digest_link_version = models.PositiveIntegerField(default=0, editable=False)
    birth_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=BIRTH_YEAR.validators()
    )
    # For reading effort from heart rate in imported workouts; when empty, the
    # importers estimate it from the birth year (logbook/importers/effort.py).
    max_hr = models.PositiveSmallIntegerField(
        "maximum heart rate",
        null=True,
        blank=True,
        validators=MAX_HR.validators(),
        help_text="Beats a minute, if you know it; used for imported workouts without RPE.",
    )
    medications = models.TextField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH)],
        help_text="Medicines you take; doctors ask for them.",
    )
    # Quiet hours on the person's clock, for all of their reminders (see
    # Reminder): both set, or neither; they may span midnight (22:00 to 07:00).
    quiet_start = models.TimeField("quiet from", null=True, blank=True)
    quiet_end = models.TimeField("quiet until", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | (
                    Q(quiet_start__isnull=False, quiet_end__isnull=False)
                    & ~Q(quiet_start=F("quiet_end"))
                ),
                name="profile_quiet_hours_pair",
            ),
            FLUID_TARGET.constraint("profile", "daily_fluid_target_ml"),
            BIRTH_YEAR.constraint("profile", "birth_year"),
            MAX_HR.constraint("profile", "max_hr"),
            choices_constraint("profile", "units", Units),
            choices_constraint("profile", "digest_detail", DigestDetail),
            length_constraint("profile", "medications"),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def save(self, *args, **kwargs):
        if self.digest_enabled and not self._state.adding:
            was_on = Profile.objects.filter(pk=self.pk).values_list("digest_enabled", flat=True)
            if was_on.first() is False:  # subscribing again: old links stop working
                self.digest_link_version += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "digest_link_version"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.birth_year and self.birth_year > timezone.now().year:
            raise ValidationError({"birth_year": "Must not be in the future."})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def quiet_hours(self) -> tuple[time, time] | None:
        """(from, until) on the person's clock, or None: no quiet hours."""
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return self.quiet_start, self.quiet_end


# --- Entries --------------------------------------------------------------------


class Entry(models.Model):
    """Fields and rules shared by everything a person logs."""

    # Which field says when the thing happened (as opposed to when it was logged).
    time_field = "started_at"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        # The (user, time) index of each model covers lookups by user alone.
        db_index=False,
    )
    notes = models.TextField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkoutKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    RUN = "run", "Run"
    CYCLE = "cycle", "Cycle"
    SWIM = "swim", "Swim"
    HIIT = "hiit", "HIIT"
    TEAM_SPORT = "team_sport", "Team sport"
    MOBILITY = "mobility", "Mobility"
    OTHER = "other", "Other"


class WorkoutSource(models.TextChoices):
    """Where a workout came from: logged here, or imported from another app's file."""

    LOGGED = "logged", "Logged here"
    STRONG = "strong", "Strong"
    HEVY = "hevy", "Hevy"
    FIT = "fit", "FIT file"
    TCX = "tcx", "TCX file"
    GPX = "gpx", "GPX file"
    APPLE_HEALTH = "apple_health", "Apple Health"


DURATION_MIN = Bounds(1, 1440, lambda n: wording.minutes(n, long=True))
RPE = Bounds(1, 10)
DISTANCE_KM = Bounds(0, 1000, lambda n: wording.amount(n, "km"))
HEART_RATE = Bounds(30, 250, lambda n: wording.amount(n, "beats a minute"))


class Workout(Entry):
    """One training session. Its load is Foster's session RPE: RPE x minutes."""

    started_at = models.DateTimeField(validators=[validate_plausible_time])
    duration_min = models.PositiveSmallIntegerField(
        "duration (min)", validators=DURATION_MIN.validators()
    )
    kind = models.CharField(max_length=16, choices=WorkoutKind.choices)
    rpe = models.PositiveSmallIntegerField(
        "effort (RPE 1-10)",
        validators=RPE.validators(),
        help_text="Session RPE on Foster's CR-10 scale: 1 very easy, 10 maximal.",
    )
    load = models.GeneratedField(
        expression=F("rpe") * F("duration_min"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name="load (AU)",
    )
    distance_km = models.FloatField(
        "distance (km)", null=True, blank=True, validators=DISTANCE_KM.validators()
    )
    avg_hr = models.PositiveSmallIntegerField(
        "average heart rate", null=True, blank=True, validators=HEART_RATE.validators()
    )
    max_hr = models.PositiveSmallIntegerField(
        "maximum heart rate", null=True, blank=True, validators=HEART_RATE.validators()
    )
    # An imported workout keeps where it came from and its key there, so that
    # importing the same file again finds it instead of adding it twice.
    source = models.CharField(
        max_length=16, choices=WorkoutSource.choices, default=WorkoutSource.LOGGED
    )
    source_key = models.CharField(max_length=200, blank=True, editable=False)
    # True while the RPE is the importer's guess (from heart rate, or 5 for lack
    # of anything); the athlete setting an RPE clears it.
    rpe_estimated = models.BooleanField("RPE estimated", default=False)
    hot_conditions = models.BooleanField(default=False)
    warmed_up = models.BooleanField(default=False)
    stretched_after = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-created_at"]
        indexes = [models.Index(fields=["user", "started_at"], name="workout_user_time")]
        constraints = [
            length_constraint("workout", "notes"),
            since_2000_constraint("workout", "started_at"),
            DURATION_MIN.constraint("workout", "duration_min"),
            RPE.constraint("workout", "rpe"),
            DISTANCE_KM.constraint("workout", "distance_km"),
            HEART_RATE.constraint("workout", "avg_hr"),
            HEART_RATE.constraint("workout", "max_hr"),
            choices_constraint("workout", "kind", WorkoutKind),
            choices_constraint("workout", "source", WorkoutSource),
            models.UniqueConstraint(
                fields=["user", "source", "source_key"],
                condition=~Q(source_key=""),
                name="workout_one_per_source_key",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} workout, {wording.minutes(self.duration_min)}"

    def save(self, *args, **kwargs):
        updating = not self._state.adding
        changed = kwargs.get("update_fields") or ()
        if updating and self.rpe_estimated and "rpe" in changed and "rpe_estimated" not in changed:
            # The athlete set the RPE: it is theirs now, not the importer's guess.
            self.rpe_estimated = False
            kwargs["update_fields"] = [*changed, "rpe_estimated"]
        super().save(*args, **kwargs)
        if updating:
            # The database recomputed load; drop the stale value so the next
            # read fetches it. (An insert returns the fresh value already.)
            self.__dict__.pop("load", None)


class Drink(models.TextChoices):
    WATER = "water", "Water"
    ELECTROLYTE = "electrolyte", "Electrolyte drink"
    SPORTS_DRINK = "sports_drink", "Sports drink"
    COFFEE = "coffee", "Coffee"
    TEA = "tea", "Tea"
    OTHER = "other", "Other"


VOLUME_ML = Bounds(1, 5000, lambda n: wording.amount(n, "ml"))


class HydrationEntry(Entry):
    time_field = "taken_at"

    taken_at = models.DateTimeField(validators=[validate_plausible_time])
    volume_ml = models.PositiveIntegerField("volume (ml)", validators=VOLUME_ML.validators())
    drink = models.CharField(max_length=16, choices=Drink.choices, default=Drink.WATER)

    class Meta:
        verbose_name = "hydration entry"
        verbose_name_plural = "hydration entries"
        ordering = ["-taken_at", "-created_at"]
        indexes = [models.Index(fields=["user", "taken_at"], name="hydration_user_time")]
        constraints = [
            length_constraint("hydration", "notes"),
            since_2000_constraint("hydration", "taken_at"),
            VOLUME_ML.constraint("hydration", "volume_ml"),
            choices_constraint("hydration", "drink", Drink),
        ]

    def __str__(self):
        return f"{self.volume_ml} ml {self.get_drink_display().lower()}"


class EpisodeKind(models.TextChoices):
    TWITCH = "twitch", "Twitch"
    SPASM = "spasm", "Spasm"
    CRAMP = "cramp", "Cramp"
    SEVERE = "severe", "Severe (muscle explosion)"


class BodyRegion(models.TextChoices):
    EYELID = "eyelid", "Eyelid"
    FACE = "face", "Face"
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    UPPER_ARM = "upper_arm", "Upper arm"
    FOREARM = "forearm", "Forearm"
    HAND = "hand", "Hand"
    CHEST = "chest", "Chest"
    ABDOMEN = "abdomen", "Abdomen"
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    GLUTE = "glute", "Glute"
    THIGH_FRONT = "thigh_front", "Front of thigh"
    THIGH_BACK = "thigh_back", "Back of thigh"
    CALF = "calf", "Calf"
    SHIN = "shin", "Shin"
    FOOT = "foot", "Foot"
    OTHER = "other", "Other"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"
    NONE = "none", "Not sided"


class Timing(models.TextChoices):
    DURING_EXERCISE = "during_exercise", "During exercise"
    RIGHT_AFTER = "right_after", "Right after exercise"
    HOURS_AFTER = "hours_after", "Hours after exercise"
    UNRELATED = "unrelated", "Unrelated to exercise"


class Relief(models.TextChoices):
    STRETCH = "stretch", "Stretching"
    MASSAGE = "massage", "Massage"
    HEAT = "heat", "Heat"
    FLUIDS = "fluids", "Fluids"
    REST = "rest", "Rest"
    NSAID = "nsaid", "Anti-inflammatory (NSAID)"
    NONE = "none", "Nothing helped / nothing tried"


def validate_relief(value) -> None:
    """A list of distinct Relief values, where "none" stands alone."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Must be a list of relief options.", code="invalid")
    unknown = [item for item in value if item not in Relief.values]
    if unknown:
        raise ValidationError(
            "Unknown relief option %(unknown)s; choose from %(known)s.",
            params={"unknown": ", ".join(unknown), "known": ", ".join(Relief.values)},
            code="invalid_choice",
        )
    if len(set(value)) != len(value):
        raise ValidationError("Each relief option may appear once.", code="duplicate")
    if Relief.NONE in value and len(value) > 1:
        raise ValidationError('"none" cannot be combined with other options.', code="none")


DURATION_S = Bounds(1, 86400, lambda n: wording.duration(n, long=True))
PAIN = Bounds(0, 10)
TWITCH_COUNT = Bounds(1, 10000)


class TwitchEpisode(Entry):
    """A twitch, spasm, cramp or severe spasm, with what a doctor would ask about.

    `count` lets a run of many small twitches be logged as one entry.
    """

    started_at = models.DateTimeField(validators=[validate_plausible_time])
    duration_s = models.PositiveIntegerField("duration (s)", validators=DURATION_S.validators())
    kind = models.CharField(max_length=8, choices=EpisodeKind.choices)
    body_region = models.CharField(max_length=16, choices=BodyRegion.choices)
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.NONE)
    pain = models.PositiveSmallIntegerField("pain (0-10)", validators=PAIN.validators())
    timing = models.CharField(max_length=16, choices=Timing.choices)
    count = models.PositiveIntegerField(default=1, validators=TWITCH_COUNT.validators())
    weakness = models.BooleanField(default=False)
    sensation_change = models.BooleanField(
        default=False, help_text="Numbness, tingling or other change in feeling."
    )
    muscle_loss = models.BooleanField(default=False, help_text="The muscle looks smaller.")
    relief = models.JSONField(default=list, blank=True, validators=[validate_relief])

    class Meta:
        verbose_name = "twitch episode"
        ordering = ["-started_at", "-created_at"]
        indexes = [models.Index(fields=["user", "started_at"], name="episode_user_time")]
        constraints = [
            length_constraint("episode", "notes"),
            since_2000_constraint("episode", "started_at"),
            DURATION_S.constraint("episode", "duration_s"),
            PAIN.constraint("episode", "pain"),
            TWITCH_COUNT.constraint("episode", "count"),
            choices_constraint("episode", "kind", EpisodeKind),
            choices_constraint("episode", "body_region", BodyRegion),
            choices_constraint("episode", "side", Side),
            choices_constraint("episode", "timing", Timing),
        ]

    def __str__(self):
        return wording.episode(self.kind, self.body_region, self.side, self.duration_s)

    def where(self) -> str:
        """ "left calf", "neck", "calf (both sides)"."""
        return wording.where(self.body_region, self.side)


CHECKIN_DAY_TAKEN = "You already have a check-in for this date."
SLEEP_HOURS = Bounds(0, 24, lambda n: wording.amount(n, "hours"))
CAFFEINE_MG = Bounds(0, 2000, lambda n: wording.amount(n, "mg"))
STRESS = Bounds(0, 10)


class DailyCheckin(Entry):
    """One per person per day: the context behind a day's twitches.

    The numbers are optional so that a bad day can still be logged with a tap.
    """

    time_field = "date"

    date = models.DateField(validators=[validate_plausible_date])
    sleep_hours = models.FloatField(null=True, blank=True, validators=SLEEP_HOURS.validators())
    caffeine_mg = models.PositiveSmallIntegerField(
        "caffeine (mg)", null=True, blank=True, validators=CAFFEINE_MG.validators()
    )
    stress = models.PositiveSmallIntegerField(
        "stress (0-10)", null=True, blank=True, validators=STRESS.validators()
    )
    ill = models.BooleanField(default=False)
    new_medication = models.BooleanField(default=False)

    class Meta:
        verbose_name = "daily check-in"
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date"],
                name="checkin_one_per_day",
                violation_error_message=CHECKIN_DAY_TAKEN,
            ),
            length_constraint("checkin", "notes"),
            since_2000_constraint("checkin", "date", EARLIEST_TIME.date()),
            SLEEP_HOURS.constraint("checkin", "sleep_hours"),
            CAFFEINE_MG.constraint("checkin", "caffeine_mg"),
            STRESS.constraint("checkin", "stress"),
        ]

    def __str__(self):
        return f"Check-in for {self.date:%a %-d %b %Y}"

    @classmethod
    def check_day_free(cls, user, day, own_id=None) -> None:
        """The one-check-in-a-day rule, for the form and the API alike: raises a
        ValidationError on "date" if another check-in of `user` has this date.
        (The unique constraint says the same to anything that bypasses both.)"""
        if user is None or day is None:
            return
        if cls.objects.filter(user=user, date=day).exclude(pk=own_id).exists():
            raise ValidationError({"date": [CHECKIN_DAY_TAKEN]}, code="unique")


ENTRY_MODELS = (Workout, HydrationEntry, TwitchEpisode, DailyCheckin)


# --- Imports ----------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One upload of one or more workout files, and what became of each.

    `files` holds, per file in upload order, its name, where it waits on disk
    until it is read, and then its report (logbook/importing.py writes it):
    sessions found, imported, likely duplicates skipped, RPEs estimated, what
    was left out and why, or the error that kept the whole file out.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # Import workouts that look like ones already logged, instead of skipping them.
    include_duplicates = models.BooleanField(default=False)
    files = models.JSONField(default=list)
    files_done = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="import_user_time")]
        constraints = [choices_constraint("import", "status", ImportStatus)]

    def __str__(self):
        return f"Import of {len(self.files)} file(s), {self.get_status_display().lower()}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


# --- Reminders --------------------------------------------------------------------


class ReminderWhat(models.TextChoices):
    CHECKIN = "checkin", "Evening check-in"
    FLUIDS = "fluids", "Fluids"
    TWITCHES = "twitches", "How are your twitches today?"
    CUSTOM = "custom", "Your own words"


# Days are a bit mask, Monday the lowest bit (logbook/reminders.py reads it).
EVERY_DAY = 0b1111111
REMINDER_DAYS = Bounds(1, EVERY_DAY, str)
REMINDER_TEXT_MAX_LENGTH = 120


class Reminder(models.Model):
    """A reminder a person set themselves: what, at what time on their own clock,
    on which days. It goes out at most once a day (ReminderSend), by push to
    their phones or else by email, and not when its form was already filled
    that day (logbook/reminding.py).

    Quiet hours belong to the person (Profile.quiet_start and quiet_end), not
    to each reminder: they are the hours the person does not want to be
    disturbed by anything, and one pair is simpler to set and to reason about.
    Whatever would go out inside them waits until they end, if they end on
    the reminder's own day (a nap from 13:00 to 15:00 holds a 13:30 reminder
    until 15:00); if they end only the next morning, it is not sent at all,
    since a reminder about today is stale tomorrow (logbook/reminders.py).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    what = models.CharField(max_length=8, choices=ReminderWhat.choices)
    text = models.CharField(
        "your words", max_length=REMINDER_TEXT_MAX_LENGTH, blank=True, default=""
    )
    time = models.TimeField(help_text="On your own clock, in your time zone.")
    days = models.PositiveSmallIntegerField(
        default=EVERY_DAY, validators=REMINDER_DAYS.validators()
    )
    enabled = models.BooleanField("on", default=True)
    # When its time, days or switch last changed: a time already past then is
    # not sent that day, so setting 20:00 at 20:30 sends nothing until tomorrow.
    active_since = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["time", "created_at"]
        constraints = [
            choices_constraint("reminder", "what", ReminderWhat),
            REMINDER_DAYS.constraint("reminder", "days"),
            models.CheckConstraint(
                condition=(Q(what=ReminderWhat.CUSTOM) & ~Q(text=""))
                | (~Q(what=ReminderWhat.CUSTOM) & Q(text="")),
                name="reminder_text_only_for_custom",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), REMINDER_TEXT_MAX_LENGTH),
                name="reminder_text_length",
            ),
        ]

    def __str__(self):
        return f"{self.label} at {self.time:%H:%M}"

    def save(self, *args, **kwargs):
        if self.schedule() != getattr(self, "_saved_schedule", None):
            self.active_since = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "active_since"}
        super().save(*args, **kwargs)
        self._saved_schedule = self.schedule()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_schedule = instance.schedule()
        return instance

    def schedule(self) -> tuple:
        """What decides when it goes out: its time, days and switch."""
        fields = self.__dict__
        return fields.get("time"), fields.get("days"), fields.get("enabled")

    def clean(self):
        if self.what == ReminderWhat.CUSTOM and not self.text.strip():
            raise ValidationError({"text": "Say what to remind you of."})
        if self.what != ReminderWhat.CUSTOM:
            self.text = ""

    @property
    def label(self) -> str:
        return self.text if self.what == ReminderWhat.CUSTOM else self.get_what_display()

    def switch(self, on: bool) -> None:
        """Turn it on or off; off, it sends nothing until turned on again."""
        if self.enabled != on:
            self.enabled = on
            self.save(update_fields=["enabled", "updated_at"])


class SendStatus(models.TextChoices):
    PENDING = "pending", "Claimed, to be sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SNOOZED = "snoozed", "Snoozed: sent again later"
    SKIPPED = "skipped", "Not sent: already logged, or nowhere to send it"
    FAILED = "failed", "Failed"


class Channel(models.TextChoices):
    PUSH = "push", "Push"
    EMAIL = "email", "Email"


class ReminderSend(models.Model):
    """One reminder's one day, on its person's clock: the claim made before sending.

    The unique (reminder, day) row is inserted before anything is sent; only the
    run that inserted it sends, so two beats, retries or workers send it once.
    A snooze (from the notification) moves it from sent to snoozed, with the
    time it is due again in due_at; the next beat after that sends it once more,
    unless the form was filled meanwhile. Each day's reminder is snoozed once.
    """

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="sends")
    day = models.DateField()
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.PENDING)
    # Which run claimed the row, so that a run can find the rows it claimed.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    # When it is due: the reminder's time that day (after quiet hours), or the
    # end of the snooze. Failed sends are tried again for a while after it.
    due_at = models.DateTimeField()
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Error names and status codes only: never what the reminder says.
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    snoozed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "reminder"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "day"], name="reminder_once_a_day"),
            choices_constraint("reminder_send", "status", SendStatus),
            models.CheckConstraint(
                condition=Q(channel="") | Q(channel__in=Channel.values),
                name="reminder_send_channel_choice",
            ),
            models.CheckConstraint(
                condition=Q(snoozed_at__isnull=False) | ~Q(status=SendStatus.SNOOZED),
                name="reminder_send_snoozed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["claim"], name="reminder_send_claim"),
            models.Index(fields=["status", "due_at"], name="reminder_send_due"),
        ]

    def __str__(self):
        return f"{self.reminder} on {self.day}: {self.get_status_display().lower()}"

    def snooze(self, until: datetime) -> bool:
        """Send it again at `until`; True if this call snoozed it. Only a sent
        reminder, and only once a day: a conditional UPDATE, so two taps on
        "Snooze" (or a retried request) snooze it once."""
        now = timezone.now()
        snoozed = ReminderSend.objects.filter(
            pk=self.pk, status=SendStatus.SENT, snoozed_at__isnull=True
        ).update(status=SendStatus.SNOOZED, snoozed_at=now, due_at=until, attempts=0)
        if snoozed:
            self.status, self.snoozed_at, self.due_at, self.attempts = (
                SendStatus.SNOOZED,
                now,
                until,
                0,
            )
        return bool(snoozed)


class PushSubscription(models.Model):
    """One browser's Web Push subscription (a phone that said yes to reminders).

    The endpoint is the push service's address for that browser; p256dh and
    auth are the browser's keys that each message is encrypted to. A push
    service that answers 404 or 410 has forgotten the subscription, which is
    then deleted (logbook/push.py); other failures are kept in last_error.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Push subscription {self.pk} of {self.user}"

    @property
    def info(self) -> dict:
        """As pywebpush (and the browser's PushSubscription.toJSON()) spell it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
