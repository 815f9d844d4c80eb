"""Your data, and leaving: the export (a page's link and the API) and deleting
the account. The work is records.export's and records.deletion's."""

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from logbook.kinds import KINDS
from logbook.models import Profile
from records import deletion, export
from records.models import ShareLink
from triage.models import Flag

# --- Export -----------------------------------------------------------------------


def export_response(user) -> StreamingHttpResponse:
    """The zip, sent as it is written, named for the day in the person's time zone."""
    made = timezone.now()
    profile = Profile.objects.filter(user=user).first()
    day = timezone.localdate(made, profile.zone) if profile else made.date()
    response = StreamingHttpResponse(export.stream(user, made), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(day)}"'
    return response


@login_required
@require_safe
def export_download(request):
    return export_response(request.user)


class ZipOrJSONErrors(BaseContentNegotiation):
    """The zip whatever Accept says; a refusal (401) in JSON, as everywhere in the API."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportView(APIView):
    """Everything you logged, as one zip: JSON and CSV of each kind of entry, your
    flags, the reviewers' decisions shared with you, your profile, a FHIR R4 bundle
    and a README. Sent as it is written."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = ZipOrJSONErrors

    @extend_schema(
        operation_id="export",
        request=None,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="twitchlog-export-YYYY-MM-DD.zip: workouts, hydration, episodes, "
                "checkins, flags and decisions as .json and .csv, profile.json, "
                "fhir-bundle.json and README.txt.",
            )
        },
    )
    def get(self, request):
        return export_response(request.user)


# --- Deleting the account -------------------------------------------------------------


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password; nothing was deleted.", code="password_incorrect"
            )
        return password


def what_goes(user) -> list[str]:
    """How many of each of the person's rows there are, in words: "2 workouts"."""

    def say(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    said = [
        say(
            kind.model.objects.filter(user=user).count(),
            kind.model._meta.verbose_name,
            kind.model._meta.verbose_name_plural,
        )
        for kind in KINDS
    ]
    said.append(say(Flag.objects.filter(user=user).count(), "flag", "flags"))
    said.append(say(ShareLink.objects.filter(user=user).count(), "share link", "share links"))
    return said


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    refused = deletion.refusal(user)
    form = DeleteAccountForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            deletion.delete_account(user)
        except deletion.CannotDelete as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            return render(request, "records/delete_account_done.html")
    context = {"form": form, "refused": refused, "what_goes": what_goes(user)}
    return render(request, "records/delete_account.html", context)
