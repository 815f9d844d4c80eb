"""The forms of the Reminders card in Settings: a reminder, quiet hours, and the
push subscription that a phone's browser sends."""

import base64
import ipaddress
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django import forms

from logbook import reminders
from logbook.forms import ChoiceChips
from logbook.models import Profile, PushSubscription, Reminder, ReminderWhat


class DayChips(forms.CheckboxSelectMultiple):
    """Days of the week as chips that stay pressed."""

    template_name = "logbook/widgets/chips.html"
    option_template_name = "logbook/widgets/chip.html"


class TimeOfDayInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ReminderForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        choices=list(enumerate(reminders.WEEKDAYS)),
        coerce=int,
        widget=DayChips,
        label="On these days",
        error_messages={"required": "Choose at least one day."},
    )

    class Meta:
        model = Reminder
        fields = ["what", "text", "time", "days"]
        labels = {"what": "Remind me about", "text": "Your words", "time": "Time"}
        help_texts = {
            "text": "Only for “Your own words”: what the reminder says, "
            "e.g. “Stretch your calves”.",
            "time": "On your own clock, in your time zone.",
        }
        widgets = {"what": ChoiceChips, "time": TimeOfDayInput}

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("instance", Reminder(user=user))
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.profile = user.profile
        self.initial["days"] = reminders.weekdays(self.instance.days)
        self.fields["what"].choices = ReminderWhat.choices  # no empty choice

    def clean_days(self) -> int:
        return reminders.days_mask(self.cleaned_data["days"])

    def clean_time(self):
        at = self.cleaned_data["time"].replace(second=0, microsecond=0)
        hours = self.profile.quiet_hours
        if hours and reminders.QuietHours(*hours).covers(at):
            quiet = reminders.QuietHours(*hours)
            raise forms.ValidationError(
                f"{at:%H:%M} is in your quiet hours ({quiet}), when nothing is sent: "
                "choose another time, or change your quiet hours."
            )
        return at


class QuietHoursForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["quiet_start", "quiet_end"]
        labels = {"quiet_start": "Quiet from", "quiet_end": "Until"}
        widgets = {"quiet_start": TimeOfDayInput, "quiet_end": TimeOfDayInput}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if self.errors:
            return cleaned
        if start and not end:
            self.add_error("quiet_end", "Say when your quiet hours end, or clear both times.")
        elif end and not start:
            self.add_error("quiet_start", "Say when your quiet hours start, or clear both times.")
        elif start and start == end:
            self.add_error("quiet_end", "Must differ from the start.")
        return cleaned


def urlsafe_bytes(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class PushSubscriptionForm(forms.Form):
    """A browser's PushSubscription, as PushSubscription.toJSON() gives it."""

    endpoint = forms.URLField(
        max_length=PushSubscription._meta.get_field("endpoint").max_length, assume_scheme="https"
    )
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        """A push service's address, over HTTPS: never one inside this network,
        which the sender would otherwise be made to post to."""
        endpoint = self.cleaned_data["endpoint"]
        parts = urlsplit(endpoint)
        if parts.scheme != "https":
            raise forms.ValidationError("Must be an https:// address.")
        host = parts.hostname or ""
        try:
            internal = not ipaddress.ip_address(host).is_global
        except ValueError:
            internal = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
        if internal:
            raise forms.ValidationError("Must be a push service's public address.")
        return endpoint

    def clean_p256dh(self) -> str:
        value = self.cleaned_data["p256dh"]
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), urlsafe_bytes(value))
        except ValueError:
            raise forms.ValidationError("Must be the browser's P-256 public key.") from None
        return value

    def clean_auth(self) -> str:
        value = self.cleaned_data["auth"]
        try:
            secret = urlsafe_bytes(value)
        except ValueError:
            secret = b""
        if len(secret) != 16:
            raise forms.ValidationError("Must be the browser's 16-byte auth secret.")
        return value
