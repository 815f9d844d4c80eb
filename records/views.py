"""The visit summary's pages: for the athlete (page, PDF, CSV, share links) and,
with a link, for a clinician (the page and the PDF, nothing else)."""

import csv
import uuid
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from logbook.models import Relief, TwitchEpisode
from records import pdf
from records.models import SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX, SHARE_DAYS_MIN, ShareLink
from records.summary import (
    SECTIONS,
    RangeError,
    build,
    chosen_sections,
    parse_range,
    today_for,
)


def asked_range(request):
    """(start, end, sections) from the query; raises RangeError."""
    start, end = parse_range(
        request.GET.get("from") or None, request.GET.get("to") or None, today_for(request.user)
    )
    sections = chosen_sections(request.GET.getlist("sections"), "chosen" in request.GET)
    return start, end, sections


def query(start, end, sections) -> str:
    return urlencode(
        {"from": start.isoformat(), "to": end.isoformat(), "chosen": 1, "sections": sections},
        doseq=True,
    )


@login_required
def summary_page(request):
    try:
        start, end, sections = asked_range(request)
    except RangeError as error:
        context = {"error": error, "sections": SECTIONS, "chosen": [], "asked": request.GET}
        return render(request, "records/summary.html", context, status=400)
    summary = build(request.user, start, end)
    context = {
        "summary": summary,
        "sections": SECTIONS,
        "chosen": sections,
        "query": query(start, end, sections),
        "share_links": ShareLink.objects.filter(user=request.user).active(),
        "share_days": (SHARE_DAYS_DEFAULT, SHARE_DAYS_MIN, SHARE_DAYS_MAX),
    }
    return render(request, "records/summary.html", context)


@login_required
def summary_pdf(request):
    try:
        start, end, sections = asked_range(request)
    except RangeError as error:
        return HttpResponse(
            f"{error.field}: {error.message}", status=400, content_type="text/plain"
        )
    share_url = None
    link_id = request.GET.get("link")
    if link_id:
        # The PDF of a link the athlete made carries it as a QR code.
        try:
            link = ShareLink.objects.filter(user=request.user).active().get(pk=uuid.UUID(link_id))
        except (ValueError, ShareLink.DoesNotExist):
            raise Http404("No such active link.") from None
        share_url = request.build_absolute_uri(reverse("shared_summary", args=[link.token]))
    document = pdf.render(build(request.user, start, end), sections, share_url=share_url)
    return pdf_response(document, start, end)


def pdf_response(document: bytes, start, end) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    name = f"twitchlog-summary-{start.isoformat()}-to-{end.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


CSV_FIELDS = [
    "started_at",
    "kind",
    "body_region",
    "side",
    "duration_s",
    "count",
    "pain",
    "timing",
    "weakness",
    "sensation_change",
    "muscle_loss",
    "relief",
    "notes",
]


class Echo:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value):
        return value


@login_required
def episodes_csv(request):
    """The range's episodes, one row each, times on the athlete's own clock."""
    try:
        start, end, _ = asked_range(request)
    except RangeError as error:
        return HttpResponse(
            f"{error.field}: {error.message}", status=400, content_type="text/plain"
        )
    zone = request.user.profile.zone
    episodes = TwitchEpisode.objects.filter(
        user=request.user,
        started_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        started_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    ).order_by("started_at", "id")
    relief_names = dict(Relief.choices)
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_FIELDS)
        for episode in episodes.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    episode.started_at.astimezone(zone).isoformat(timespec="minutes"),
                    episode.kind,
                    episode.body_region,
                    episode.side,
                    episode.duration_s,
                    episode.count,
                    episode.pain,
                    episode.timing,
                    episode.weakness,
                    episode.sensation_change,
                    episode.muscle_loss,
                    "; ".join(relief_names.get(r, r) for r in episode.relief),
                    episode.notes,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"twitchlog-episodes-{start.isoformat()}-to-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Share links ----------------------------------------------------------------------


@login_required
@require_POST
def create_share_link(request):
    """A link for the range and sections on the page, lasting the days asked (1-30)."""
    try:
        start, end = parse_range(
            request.POST.get("from") or None,
            request.POST.get("to") or None,
            today_for(request.user),
        )
    except RangeError as error:
        messages.error(request, error.message)
        return redirect("summary")
    sections = chosen_sections(request.POST.getlist("sections"), True)
    back = f"{reverse('summary')}?{query(start, end, sections)}"
    try:
        days = int(request.POST.get("days", SHARE_DAYS_DEFAULT))
        link = ShareLink.create(request.user, start, end, sections, days=days)
    except ValueError:
        messages.error(
            request, f"A link lasts from {SHARE_DAYS_MIN} to {SHARE_DAYS_MAX} days: days."
        )
        return redirect(back)
    messages.success(request, "Link made: copy it from “Shared links” below.")
    return redirect(f"{back}#link-{link.pk}")


@login_required
@require_POST
def revoke_share_link(request, pk):
    link = get_object_or_404(ShareLink, pk=pk, user=request.user)
    link.revoke()
    messages.success(request, "Link revoked: it opens nothing any more.")
    return redirect(request.POST.get("next") or "summary")


def shared(view):
    """For a clinician's link: the link must be active; the answer is never
    cached or indexed, and the athlete's own calendar is used for dates."""

    def wrapper(request, token):
        try:
            pk = ShareLink.named_by(token)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            link = ShareLink.opened(pk)
        except ShareLink.DoesNotExist:
            raise Http404(
                "This link is not valid: it was changed, revoked, or has expired."
            ) from None
        with timezone.override(link.user.profile.zone):
            response = view(request, link)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@shared
def shared_summary(request, link):
    summary = build(link.user, link.start, link.end)
    context = {"summary": summary, "chosen": link.sections, "link": link, "shared": True}
    return render(request, "records/shared.html", context)


@shared
def shared_pdf(request, link):
    url = request.build_absolute_uri(reverse("shared_summary", args=[link.token]))
    document = pdf.render(build(link.user, link.start, link.end), link.sections, share_url=url)
    return pdf_response(document, link.start, link.end)
