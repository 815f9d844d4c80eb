"""The log forms. Field names match the API's, so that an entry saved on the phone
while offline can be sent to /api/v1/sync/ as it is."""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.forms.renderers import TemplatesSetting

from logbook.models import (
    DailyCheckin,
    HydrationEntry,
    Profile,
    Relief,
    TwitchEpisode,
    Workout,
    known_timezones,
)

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class FormRenderer(TemplatesSetting):
    """Forms render with the project's templates; each field in a <div class="field">."""

    field_template_name = "forms/field.html"


class HappenedAtInput(forms.DateTimeInput):
    """A phone's date-and-time picker, to the minute, in the athlete's own zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_MINUTE)


class ChoiceChips(forms.RadioSelect):
    """Radio buttons drawn as big tappable chips."""

    template_name = "logbook/widgets/chips.html"
    option_template_name = "logbook/widgets/chip.html"


class EntryForm(forms.ModelForm):
    """What the four log forms share: the client's id, and times in local minutes.

    The id is made when the form is shown, so sending the same form twice (a
    double tap, a retry, the offline outbox) stores one entry.
    """

    id = forms.UUIDField(widget=forms.HiddenInput)

    # Fields shown first; the rest fold under "more".
    essentials: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A required choice drawn as chips needs no "---------" chip.
            if isinstance(field.widget, ChoiceChips) and field.required:
                field.choices = [choice for choice in field.choices if choice[0] != ""]
        if self.instance._state.adding:
            self.fields["id"].initial = uuid.uuid4()
        else:
            del self.fields["id"]
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.widget = HappenedAtInput()
                field.input_formats = [LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S"]

    def essential_fields(self):
        return [self[name] for name in self.essentials]

    def more_fields(self):
        return [
            self[name]
            for name in self.fields
            if name not in self.essentials and name != "id" and not self[name].is_hidden
        ]


class WorkoutForm(EntryForm):
    essentials = ("kind", "duration_min", "rpe")

    class Meta:
        model = Workout
        fields = [
            "id",
            "kind",
            "duration_min",
            "rpe",
            "started_at",
            "warmed_up",
            "stretched_after",
            "hot_conditions",
            "distance_km",
            "avg_hr",
            "notes",
        ]
        labels = {"started_at": "Started at", "rpe": "Effort (RPE 1-10)"}
        widgets = {
            "kind": ChoiceChips,
            "rpe": forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
            "duration_min": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "rpe": "How hard the whole session felt: 1 very easy, 5 hard, 10 maximal.",
        }


class HydrationForm(EntryForm):
    essentials = ("volume_ml", "drink")

    class Meta:
        model = HydrationEntry
        fields = ["id", "volume_ml", "drink", "taken_at", "notes"]
        labels = {"taken_at": "Drunk at", "volume_ml": "How much (ml)"}
        widgets = {
            "drink": ChoiceChips,
            "volume_ml": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class EpisodeForm(EntryForm):
    essentials = ("kind", "body_region", "side", "duration_s", "pain")

    relief = forms.MultipleChoiceField(
        choices=Relief.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What helped",
    )

    class Meta:
        model = TwitchEpisode
        fields = [
            "id",
            "kind",
            "body_region",
            "side",
            "duration_s",
            "pain",
            "started_at",
            "timing",
            "count",
            "weakness",
            "sensation_change",
            "muscle_loss",
            "relief",
            "notes",
        ]
        labels = {
            "started_at": "Started at",
            "body_region": "Where",
            "duration_s": "How long (seconds)",
            "pain": "Pain (0-10)",
            "timing": "When, relative to exercise",
            "count": "How many twitches this entry stands for",
            "sensation_change": "Numbness, tingling or other change in feeling",
            "muscle_loss": "The muscle looks smaller",
        }
        widgets = {
            "kind": ChoiceChips,
            "side": ChoiceChips,
            "timing": ChoiceChips,
            "duration_s": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "pain": forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
            "count": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class CheckinForm(EntryForm):
    essentials = ("date", "sleep_hours", "stress", "caffeine_mg", "ill")

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
            "sleep_hours": forms.NumberInput(attrs={"min": 0, "max": 24, "step": 0.5}),
            "stress": forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
            "caffeine_mg": forms.NumberInput(attrs={"min": 0, "step": 5, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_date(self):
        day = self.cleaned_data["date"]
        taken = DailyCheckin.objects.filter(user=self.user, date=day).exclude(pk=self.instance.pk)
        if self.user is not None and taken.exists():
            raise forms.ValidationError("You already have a check-in for this date; edit that one.")
        return day


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
            "medications",
        ]
        widgets = {
            "units": ChoiceChips,
            "digest_detail": forms.RadioSelect,
            "daily_fluid_target_ml": forms.NumberInput(attrs={"step": 100, "inputmode": "numeric"}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "medications": forms.Textarea(attrs={"rows": 3}),
        }


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="For resetting your password and the weekly summary.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]
