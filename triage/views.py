"""The athlete's Load, Patterns and Flags pages."""

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.db.models import Case, Value, When
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from logbook.models import DigestDetail, Profile
from triage import charts, digest, mail, metrics, pattern_report
from triage import wording as says
from triage.flag_merge import AWAITING_REVIEW
from triage.load import load_report
from triage.models import Flag, FlagStatus
from triage.pattern_report import ChoiceError

CHART_DAYS = 90


@login_required
def load_page(request):
    report = load_report(request.user, CHART_DAYS)
    today = report["today"]
    context = {
        "report": report,
        "today": today,
        "zone_words": metrics.ZONE_WORDS.get(today["zone"], ""),
        "monotony_words": metrics.monotony_words(today["monotony"]),
        "days_to_go": max(0, metrics.CHRONIC_DAYS - report["history_days"]),
        "load_chart": charts.load_chart(report),
        "acwr_chart": charts.acwr_chart(report),
        "weeks": charts.week_comparison(report["days"]),
        "recent_days": report["days"][-14:],
    }
    return render(request, "triage/load.html", context)


@login_required
def patterns_page(request):
    """What came before the athlete's episodes: each factor's days against the rest."""
    try:
        outcome, days = pattern_report.parse(request.GET)
    except ChoiceError as error:
        return render(request, "triage/patterns.html", {"error": error}, status=400)
    report, logged = pattern_report.pattern_report(request.user, outcome, days)
    context = {
        "report": report,
        "items": pattern_report.items(report),
        "overview": says.overview(report),
        "outcome_name": says.outcome_name(report.outcome),
        "choices": pattern_report.choices(report.outcome, logged, days),
        "how_sure": says.HOW_SURE,
        "describes": says.DESCRIBES,
        "level": says.LEVEL,
    }
    return render(request, "triage/patterns.html", context)


def worst_first(flags):
    """Unseen flags first, then the rest awaiting review, by severity, then the
    most recent; superseded ones last."""
    return flags.annotate(
        standing=Case(
            When(status__in=AWAITING_REVIEW, seen_at__isnull=True, then=Value(3)),
            When(status__in=AWAITING_REVIEW, then=Value(2)),
            When(status=FlagStatus.SUPERSEDED, then=Value(0)),
            default=Value(1),
        ),
    ).order_by("-standing", "-severity_rank", "-window_end")


@login_required
def flags_page(request):
    flags = list(worst_first(Flag.objects.filter(user=request.user).with_shared_notes()))
    see_doctor = [f for f in flags if f.awaiting_review and f.sees_doctor]
    return render(request, "triage/flags.html", {"flags": flags, "see_doctor": see_doctor})


@login_required
@require_POST
def acknowledge(request, pk):
    flag = get_object_or_404(Flag.objects.with_shared_notes(), pk=pk, user=request.user)
    flag.mark_seen()
    if request.htmx:
        return render(request, "triage/partials/flag.html", {"flag": flag})
    messages.success(request, "Marked as seen.")
    return redirect("flags")


# --- The weekly digest ----------------------------------------------------------------


@csrf_exempt  # mail clients POST here with no CSRF token (RFC 8058); the signed token is the key
def digest_unsubscribe(request, token):
    """GET asks to confirm (mail scanners open links); POST stops the digest, no login needed."""
    try:
        profile = mail.profile_from_token(token)
    except (signing.BadSignature, Profile.DoesNotExist):
        return render(request, "triage/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        profile.digest_enabled = False
        profile.save(update_fields=["digest_enabled", "updated_at"])
        return render(request, "triage/unsubscribed.html")
    return render(request, "triage/unsubscribe_confirm.html", {"token": token})


@staff_member_required
@permission_required("triage.change_flag", raise_exception=True)
@csp_exempt()  # an email's HTML: inline styles are how email is styled
def digest_preview(request, user_id):
    """The HTML of an athlete's digest, for reviewers and admins: ?week=2026-W47, by
    default last week's. Its unsubscribe link is inert: the preview is not theirs."""
    user = get_object_or_404(get_user_model(), pk=user_id)
    week_text = request.GET.get("week", "")
    if week_text:
        try:
            monday = digest.parse_iso_week(week_text)
        except ValueError as error:
            return HttpResponseBadRequest(f"week: {error}", content_type="text/plain")
    else:
        local_today = timezone.now().astimezone(user.profile.zone).date()
        monday = digest.previous_week_monday(local_today)
    week_data = digest.load_weeks([user.pk], monday)[user.pk]
    private = user.profile.digest_detail == DigestDetail.PRIVATE
    message = mail.digest_message(user, digest.summarise(week_data), private=private, preview=True)
    return HttpResponse(message.alternatives[0][0])
