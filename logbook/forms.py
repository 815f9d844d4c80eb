"""The log forms. Field names match the API's, so that an entry saved on the phone
while offline can be sent to /api/v1/sync/ as it is.

What a person enters is what is stored:
- a new entry starts from "now" and what they logged last time, but nothing
  that feeds a flag (pain, timing, symptoms) is ever answered for them;
- an edit starts from the entry's own values, and a field the person did not
  change keeps its stored value exactly (seconds, line breaks and all).
"""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.renderers import TemplatesSetting

from logbook import wording
from logbook.models import (
    DURATION_S,
    PAIN,
    RPE,
    STRESS,
    DailyCheckin,
    HydrationEntry,
    Profile,
    Relief,
    TwitchEpisode,
    Workout,
    known_timezones,
)
from logbook.writer import Check, Checked

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class FormRenderer(TemplatesSetting):
    """Forms render with the project's templates; each field in a <div class="field">."""

    field_template_name = "forms/field.html"


# --- Widgets ------------------------------------------------------------------------


class HappenedAtInput(forms.DateTimeInput):
    """A phone's date-and-time picker, to the minute, in the athlete's own zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_MINUTE)


class ChoiceChips(forms.RadioSelect):
    """Radio buttons drawn as big tappable chips."""

    template_name = "logbook/widgets/chips.html"
    option_template_name = "logbook/widgets/chip.html"


class ScaleChips(ChoiceChips):
    """0 to 10 as a grid of chips, with nothing chosen until the person taps one."""

    template_name = "logbook/widgets/scale.html"


class Toggle(forms.CheckboxInput):
    """A yes/no question drawn as a chip that stays pressed (forms/field.html)."""


class DurationInput(forms.MultiWidget):
    """Minutes and seconds in two number boxes: "1 min 30 s", never "90 s"."""

    template_name = "logbook/widgets/duration.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        part = {"inputmode": "numeric", "min": 0, "data-duration-part": ""}
        super().__init__(
            {
                "min": forms.NumberInput({**part, "aria-label": "minutes"}),
                "s": forms.NumberInput({**part, "max": 59, "aria-label": "seconds"}),
            },
            attrs,
        )

    def decompress(self, value):
        if value in (None, ""):
            return [None, None]
        minutes, seconds = divmod(int(value), 60)
        return [minutes, seconds]


# --- Fields -------------------------------------------------------------------------


class LocalMinuteField(forms.DateTimeField):
    """A time to the minute, read on the athlete's clock (the middleware's zone).

    A stored time may carry seconds (from the API or the phone's clock). The
    picker shows minutes only, so a time whose minute was not changed counts
    as unchanged, and the edit keeps it to the second.
    """

    widget = HappenedAtInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        try:
            entered = self.to_python(data)
        except ValidationError:
            return True
        return to_minute(entered) != to_minute(initial)


def to_minute(moment):
    return moment.replace(second=0, microsecond=0) if moment else None


class DurationField(forms.MultiValueField):
    """A duration entered as minutes and seconds, cleaned to seconds."""

    widget = DurationInput

    def __init__(self, **kwargs):
        fields = (
            forms.IntegerField(
                min_value=0, required=False, error_messages={"invalid": "Minutes are a number."}
            ),
            forms.IntegerField(
                min_value=0,
                max_value=59,
                required=False,
                error_messages={"invalid": "Seconds are a number from 0 to 59."},
            ),
        )
        kwargs.pop("max_length", None)
        kwargs.setdefault("validators", DURATION_S.validators())
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        minutes, seconds = (data_list or [None, None]) + [None] * (2 - len(data_list or []))
        if minutes in (None, "") and seconds in (None, ""):
            return None
        return (minutes or 0) * 60 + (seconds or 0)


class NotesField(forms.CharField):
    """Free text whose line breaks a browser sends back as CRLF: unchanged is unchanged."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value

    def has_changed(self, initial, data):
        return (initial or "").strip() != (self.to_python(data) or "")


def scale_choices(bounds) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(int(bounds.low), int(bounds.high) + 1)]


# --- The entry forms ----------------------------------------------------------------


class EntryForm(forms.ModelForm):
    """What the four log forms share: the client's id, times in local minutes,
    and the values to store.

    The id is made when the form is shown, so sending the same form twice (a
    double tap, a retry, the offline outbox) stores one entry.
    """

    id = forms.UUIDField(widget=forms.HiddenInput)

    # What the first screen asks, as (heading or None, field names); the rest
    # folds under "more".
    sections: tuple[tuple[str | None, tuple[str, ...]], ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            # A required choice drawn as chips needs no "---------" chip.
            if isinstance(field.widget, ChoiceChips) and field.required:
                field.choices = [choice for choice in field.choices if choice[0] != ""]
            self.limits_for_the_browser(name, field)
        # The stored values, before validation copies the entered ones onto the instance.
        self.stored = {name: getattr(self.instance, name, None) for name in self._meta.fields}
        if self.instance._state.adding:
            self.fields["id"].initial = uuid.uuid4()
        else:
            del self.fields["id"]
            for name, field in self.fields.items():
                if isinstance(field, LocalMinuteField):
                    # The stored instant, to the second: what the phone sends
                    # back offline when the minute shown was not changed.
                    field.widget.attrs["data-stored"] = getattr(self.instance, name).isoformat()

    def _get_validation_exclusions(self):
        # Whether the id is taken, and by whom, is the writer's to decide.
        return {*super()._get_validation_exclusions(), "id"}

    def limits_for_the_browser(self, name, field):
        """min and max from the model's validators, so the phone checks what the server does."""
        try:
            model_field = self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return
        if not isinstance(field.widget, forms.NumberInput):
            return
        for validator in model_field.validators:
            if isinstance(validator, MinValueValidator):
                field.widget.attrs.setdefault("min", validator.limit_value)
            elif isinstance(validator, MaxValueValidator):
                field.widget.attrs.setdefault("max", validator.limit_value)

    @property
    def editing(self) -> bool:
        return not self.instance._state.adding

    @classmethod
    def essentials(cls) -> list[str]:
        return [name for _, names in cls.sections for name in names]

    def first_screen(self) -> list[tuple[str | None, list]]:
        return [
            (heading, [self[name] for name in names if name in self.fields])
            for heading, names in self.sections
        ]

    def essential_fields(self):
        return [self[name] for name in self.essentials() if name in self.fields]

    def more_fields(self):
        first = self.essentials()
        return [
            self[name]
            for name in self.fields
            if name not in first and name != "id" and not self[name].is_hidden
        ]

    @classmethod
    def checker(cls, data, user) -> Check:
        """This form as the writer's check of `data` (see logbook.writer)."""

        def check(stored) -> Checked:
            form = cls(data, instance=stored, user=user)
            if form.is_valid():
                return Checked(form.entry_values(), checker=form)
            return Checked(errors=form.errors, checker=form)

        return check

    def entry_values(self) -> dict:
        """The validated values of the model's fields, for the writer to store.

        On an edit, a field the person did not change keeps its stored value,
        so an unchanged save changes nothing.
        """
        values = {}
        for name in self._meta.fields:
            if name == "id" or name not in self.cleaned_data:
                continue
            if self.editing and name not in self.changed_data:
                values[name] = self.stored[name]
            else:
                values[name] = self.cleaned_data[name]
        return values


class WorkoutForm(EntryForm):
    sections = (
        (None, ("kind", "duration_min", "rpe", "rpe_estimated")),
        ("Before, after and around it", ("warmed_up", "stretched_after", "hot_conditions")),
    )
    rpe = forms.TypedChoiceField(
        choices=scale_choices(RPE),
        coerce=int,
        label="Effort (RPE 1-10)",
        help_text="How hard the whole session felt: 1 very easy, 5 hard, 10 maximal.",
        widget=ScaleChips,
    )
    notes = NotesField(required=False, max_length=Workout._meta.get_field("notes").max_length)

    class Meta:
        model = Workout
        fields = [
            "id",
            "kind",
            "duration_min",
            "rpe",
            "warmed_up",
            "stretched_after",
            "hot_conditions",
            "started_at",
            "distance_km",
            "avg_hr",
            "max_hr",
            "rpe_estimated",
            "notes",
        ]
        labels = {
            "rpe_estimated": "This RPE is an estimate",
            "started_at": "Started at",
            "duration_min": "How long (minutes)",
            "warmed_up": "Warmed up first",
            "stretched_after": "Stretched after",
            "hot_conditions": "Hot conditions",
            "avg_hr": "Average heart rate",
            "max_hr": "Maximum heart rate",
        }
        help_texts = {
            "rpe_estimated": "The import guessed it: from heart rate, or 5 where the file "
            "had neither. Set the RPE, or untick this if it is right.",
        }
        widgets = {
            "kind": ChoiceChips,
            "duration_min": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "warmed_up": Toggle,
            "stretched_after": Toggle,
            "hot_conditions": Toggle,
            "avg_hr": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "max_hr": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "rpe_estimated": Toggle,
        }
        field_classes = {"started_at": LocalMinuteField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.rpe_estimated:
            # Only an imported workout's guessed RPE is marked; nobody marks one.
            del self.fields["rpe_estimated"]


class HydrationForm(EntryForm):
    sections = ((None, ("volume_ml", "drink")),)
    notes = NotesField(
        required=False, max_length=HydrationEntry._meta.get_field("notes").max_length
    )

    class Meta:
        model = HydrationEntry
        fields = ["id", "volume_ml", "drink", "taken_at", "notes"]
        labels = {"taken_at": "Drunk at", "volume_ml": "How much (ml)"}
        widgets = {
            "drink": ChoiceChips,
            "volume_ml": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        field_classes = {"taken_at": LocalMinuteField}


class EpisodeForm(EntryForm):
    """The questions the guidance cares about come first, and none is answered for
    the person: pain has no default, and timing is guessed only from a logged
    workout (logbook.kinds.guess_timing)."""

    sections = (
        (None, ("kind", "body_region", "side", "duration_s", "pain", "timing")),
        ("Did you notice any of these with it?", ("weakness", "sensation_change", "muscle_loss")),
    )

    duration_s = DurationField(label="How long")
    pain = forms.TypedChoiceField(
        choices=scale_choices(PAIN),
        coerce=int,
        label="Pain (0 none, 10 worst)",
        widget=ScaleChips,
    )
    relief = forms.MultipleChoiceField(
        choices=Relief.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What helped",
    )
    notes = NotesField(required=False, max_length=TwitchEpisode._meta.get_field("notes").max_length)

    class Meta:
        model = TwitchEpisode
        fields = [
            "id",
            "kind",
            "body_region",
            "side",
            "duration_s",
            "pain",
            "timing",
            "weakness",
            "sensation_change",
            "muscle_loss",
            "started_at",
            "count",
            "relief",
            "notes",
        ]
        labels = {
            "started_at": "Started at",
            "body_region": "Where",
            "timing": "When, relative to exercise",
            "count": "How many twitches this entry stands for",
            "weakness": "Weakness",
            "sensation_change": "Numbness, tingling or other change in feeling",
            "muscle_loss": "The muscle looks smaller",
        }
        help_texts = {"weakness": "", "sensation_change": "", "muscle_loss": ""}
        widgets = {
            "kind": ChoiceChips,
            "side": ChoiceChips,
            "timing": ChoiceChips,
            "weakness": Toggle,
            "sensation_change": Toggle,
            "muscle_loss": Toggle,
            "count": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        field_classes = {"started_at": LocalMinuteField}


class CheckinForm(EntryForm):
    sections = (
        (None, ("date", "sleep_hours", "stress", "caffeine_mg")),
        (None, ("ill", "new_medication")),
    )
    # Optional: a bad day can be logged with a tap, so "not said" is nothing chosen.
    stress = forms.TypedChoiceField(
        choices=scale_choices(STRESS),
        coerce=int,
        empty_value=None,
        required=False,
        label="Stress (0 none, 10 worst)",
        widget=ScaleChips,
    )
    notes = NotesField(required=False, max_length=DailyCheckin._meta.get_field("notes").max_length)

    class Meta:
        model = DailyCheckin
        fields = [
            "id",
            "date",
            "sleep_hours",
            "stress",
            "caffeine_mg",
            "ill",
            "new_medication",
            "notes",
        ]
        labels = {
            "sleep_hours": "Sleep last night (hours)",
            "caffeine_mg": "Caffeine (mg)",
            "ill": "Ill today",
            "new_medication": "Started a new medicine",
        }
        help_texts = {"caffeine_mg": "A cup of coffee has about 95 mg; a cup of tea about 45."}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sleep_hours": forms.NumberInput(attrs={"step": 0.5, "inputmode": "decimal"}),
            "caffeine_mg": forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
            "ill": Toggle,
            "new_medication": Toggle,
        }

    def clean(self):
        cleaned = super().clean()
        own_id = self.instance.pk if self.editing else cleaned.get("id")
        try:
            DailyCheckin.check_day_free(self.user, cleaned.get("date"), own_id)
        except ValidationError as taken:
            self.add_error(None, taken)
        return cleaned


def duration_chips() -> list[tuple[int, str]]:
    """One-tap durations under "How long", each labelled as the app writes durations."""
    return [(seconds, wording.duration(seconds)) for seconds in (10, 30, 60, 300, 900)]


# --- Settings and accounts -------------------------------------------------------------


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(known_timezones())]


class ProfileForm(forms.ModelForm):
    # A text box with suggestions: a <select> of 600 zones is slow to render
    # and slow to scroll on a phone. The choices still decide what is valid.
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        label="Time zone",
        help_text="Start typing a city, e.g. Europe/Oslo or America/New_York.",
        widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
    )

    class Meta:
        model = Profile
        fields = [
            "timezone",
            "units",
            "daily_fluid_target_ml",
            "digest_enabled",
            "digest_detail",
            "birth_year",
            "max_hr",
            "medications",
        ]
        widgets = {
            "units": ChoiceChips,
            "digest_detail": forms.RadioSelect,
            "daily_fluid_target_ml": forms.NumberInput(attrs={"step": 100, "inputmode": "numeric"}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "max_hr": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "medications": forms.Textarea(attrs={"rows": 3}),
        }


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="For resetting your password and the weekly summary.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]


# --- Imports ----------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is refused by name, in the form's clean_files.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple) and data:
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data or None, initial)]


def size_words(size: int) -> str:
    """1536 -> "1.5 KB"; 3 * 2**30 -> "3 GB"."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


class ImportForm(forms.Form):
    """Workout files from other apps, one or more at a time."""

    files = MultipleFileField(
        label="Files",
        error_messages={"required": "Choose one or more files to import."},
        help_text="Strong or Hevy CSV, FIT, TCX or GPX files, or Apple Health's export.zip.",
    )
    include_duplicates = forms.BooleanField(
        required=False,
        label="Import likely duplicates too",
        help_text="Workouts that start within 5 minutes of one already logged and last about "
        "as long are left out unless you tick this.",
    )

    def __init__(self, *args, max_files: int, max_bytes: int, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.fields["files"].widget.attrs["accept"] = ".csv,.fit,.tcx,.gpx,.xml,.zip"

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.max_files:
            raise ValidationError(f"At most {self.max_files} files at a time.")
        for upload in files:
            if not upload.size:
                raise ValidationError(f"{upload.name} is empty.")
            if upload.size > self.max_bytes:
                raise ValidationError(
                    f"{upload.name} is {size_words(upload.size)}, over the "
                    f"{size_words(self.max_bytes)} a file may be."
                )
        return files
