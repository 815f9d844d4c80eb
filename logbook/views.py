"""The pages for logging and looking back: Today, the log forms, History, Episodes,
Settings and sign-up. Every form works as a plain POST; with htmx, errors are
swapped in place."""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.db.models import Sum
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.authtoken.models import Token

from logbook import forms, wording, writer
from logbook.kinds import BY_SLUG, KINDS, EntryKind
from logbook.models import (
    EARLIEST_TIME,
    DailyCheckin,
    HydrationEntry,
    TwitchEpisode,
    Workout,
    known_timezones,
)
from logbook.writer import Status

# One-tap values next to the duration and volume fields.
FORM_HELPERS = {
    "quick_durations": forms.duration_chips(),
    "quick_volumes": [250, 330, 500, 750],
}
QUICK_WATER_ML = (250, 500)


def entry_kind(slug: str) -> EntryKind:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise Http404("No such kind of entry.") from None


def owned(request, model, pk):
    """The requester's entry, or 404 whether it is someone else's or nobody's."""
    return get_object_or_404(model, pk=pk, user=request.user)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def client_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- Today ------------------------------------------------------------------------


def today(request):
    """Today: quick actions, totals and what was logged today.

    ?shell=1 is Today as the service worker keeps it for opening the app with
    no signal: the quick actions work into the outbox, and it holds nobody's data.
    """
    if "shell" in request.GET:
        return render(request, "logbook/today.html", {"shell": True, **quick_water(None)})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "logbook/today.html", today_context(request))


def quick_water(user) -> dict:
    """The +250 ml / +500 ml buttons, each with the id of the drink it would add
    (none in the shell: the phone gives each one there)."""
    return {"water_ids": {ml: uuid.uuid4() if user else "" for ml in QUICK_WATER_ML}}


def today_context(request) -> dict:
    day = timezone.localdate()
    start, end = local_day_bounds(day)
    mine = {"user": request.user}
    fluid = HydrationEntry.objects.filter(**mine, taken_at__gte=start, taken_at__lt=end)
    workouts = Workout.objects.filter(**mine, started_at__gte=start, started_at__lt=end)
    episodes = TwitchEpisode.objects.filter(**mine, started_at__gte=start, started_at__lt=end)
    fluid_ml = fluid.aggregate(total=Sum("volume_ml"))["total"] or 0
    target = request.user.profile.daily_fluid_target_ml
    return {
        "day": day,
        "fluid_ml": fluid_ml,
        "fluid_target_ml": target,
        "fluid_percent": min(100, round(fluid_ml * 100 / target)),
        "load": workouts.aggregate(total=Sum("load"))["total"] or 0,
        "episode_count": episodes.count(),
        "entries": timeline(request.user, start=start, end=end),
        "checked_in": DailyCheckin.objects.filter(**mine, date=day).exists(),
        **quick_water(request.user),
    }


@login_required
@require_POST
def add_water(request):
    """+250 ml / +500 ml on Today: one tap, one drink of water, once per id."""
    data = {
        "id": request.POST.get("id"),
        "volume_ml": request.POST.get("volume_ml"),
        "drink": "water",
        "taken_at": timezone.localtime().strftime(forms.LOCAL_MINUTE),
    }
    outcome = save_new_entry(request, BY_SLUG["hydration"], data)
    if outcome.status == Status.INVALID:
        messages.error(request, "That amount could not be saved.")
        return redirect("today")
    if request.htmx:
        return render(request, "logbook/partials/today_totals.html", today_context(request))
    messages.success(request, f"Added {wording.amount(outcome.entry.volume_ml, 'ml')} of water.")
    return redirect("today")


# --- Log forms ----------------------------------------------------------------------


def log_entry(request, kind, pk=None):
    """Log a new entry of any kind (GET shows the form), or edit one of yours."""
    if request.method == "GET" and "shell" in request.GET and pk is None:
        return entry_form_shell(request, entry_kind(kind))
    return log_or_edit(request, kind, pk)


def entry_form_shell(request, kind):
    """The form as the service worker keeps it for offline use: nobody's defaults,
    and no id; app.js gives each entry a fresh id on the phone."""
    form = kind.form()
    form.fields["id"].initial = None
    context = {"form": form, "kind": kind, "entry": None, "shell": True, **FORM_HELPERS}
    return render(request, "logbook/entry_form.html", context)


@login_required
def log_or_edit(request, kind, pk=None):
    kind = entry_kind(kind)
    entry = owned(request, kind.model, pk) if pk else None
    if entry is None and kind.one_a_day and request.method == "GET":
        todays = kind.model.objects.filter(user=request.user, date=timezone.localdate()).first()
        if todays:
            return redirect("edit_entry", kind=kind.slug, pk=todays.pk)

    if request.method == "POST":
        if entry is None:
            outcome = save_new_entry(request, kind, request.POST)
        else:
            check = kind.form.checker(request.POST, request.user)
            outcome = writer.save(
                kind.model, request.user, entry.pk, check, may_change=True, stored=entry
            )
        if outcome.status != Status.INVALID:
            return saved(request, outcome)
        form = outcome.checker
    elif entry is not None:
        # An edit shows the entry's own values; "now" and "last time" are for new ones.
        form = kind.form(instance=entry, user=request.user)
    else:
        initial = kind.new_entry_defaults(request.user, request.GET)
        form = kind.form(initial=initial, user=request.user)

    context = {"form": form, "kind": kind, "entry": entry, **FORM_HELPERS}
    if entry is None:
        context.update(kind.form_context(request.user))
    # 422: the form came back with errors, and nothing was saved.
    status = 422 if request.method == "POST" else 200
    if request.htmx and request.method == "POST":
        return render(request, "logbook/partials/entry_form.html", context, status=status)
    return render(request, "logbook/entry_form.html", context, status=status)


def save_new_entry(request, kind, data) -> writer.Outcome:
    """A new entry from a form: its id, chosen when the form was shown, is claimed
    once, so the same form sent twice stores one entry."""
    check = kind.form.checker(data, request.user)
    entry_id = client_id(data.get("id"))
    if entry_id is None:
        checked = check(None)  # names the missing or malformed id
        return writer.Outcome(Status.INVALID, errors=checked.errors, checker=checked.checker)
    # A person's tap, not a phone's burst: look the id up first, so that another
    # person's id answers "not found" whatever the form holds.
    stored = writer.stored_under(kind.model, entry_id)
    try:
        return writer.save(
            kind.model, request.user, entry_id, check, may_change=False, stored=stored
        )
    except writer.NotYours:
        raise Http404 from None


def saved(request, outcome: writer.Outcome):
    if outcome.status == Status.UNCHANGED and outcome.checker is not None:
        messages.info(request, f"Nothing changed: {outcome.entry}.")
    else:
        messages.success(request, f"Saved: {outcome.entry}.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("today"))
    return redirect("today")


@login_required
def delete_entry(request, kind, pk):
    kind = entry_kind(kind)
    entry = owned(request, kind.model, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry.delete()
    messages.success(request, f"Deleted: {entry}.")
    return redirect("history")


# --- History ------------------------------------------------------------------------

PAGE_SIZE = 30


@dataclass(frozen=True)
class TimelineItem:
    kind: EntryKind
    entry: object
    when: datetime

    @property
    def logged_later(self) -> bool:
        """Logged more than 15 minutes after it happened."""
        return self.entry.created_at - self.when > timedelta(minutes=15)


def timeline(user, *, start=None, end=None, before=None, only=None, limit=None) -> list:
    """The user's entries of every kind, newest first, as one list."""
    items = []
    for kind in KINDS:
        if only and kind.slug != only:
            continue
        field = kind.model.time_field
        entries = kind.model.objects.filter(user=user)
        if field == "date":  # a check-in has a day, not a time: count it at noon
            if start:
                entries = entries.filter(date__gte=timezone.localtime(start).date())
            if end:
                entries = entries.filter(date__lt=timezone.localtime(end).date())
            if before:
                entries = entries.filter(date__lte=timezone.localtime(before).date())
        else:
            for lookup, value in (("gte", start), ("lt", end), ("lt", before)):
                if value is not None:
                    entries = entries.filter(**{f"{field}__{lookup}": value})
        for entry in entries.order_by(f"-{field}", "-created_at")[:limit]:
            when = getattr(entry, field)
            if field == "date":
                when = datetime.combine(when, time(12), tzinfo=timezone.get_current_timezone())
            if before is None or when < before:
                items.append(TimelineItem(kind, entry, when))
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit] if limit else items


@login_required
def history(request):
    """Everything logged, newest first, a page at a time; ?type= one kind only;
    ?on=2026-11-20 one day (the Episodes heatmap links to its days)."""
    only = request.GET.get("type")
    if only and only not in BY_SLUG:
        only = None
    day = parse_day(request.GET.get("on"))
    if day is not None:
        start, end = local_day_bounds(day)
        items = timeline(request.user, start=start, end=end, only=only)
        context = {
            "days": [(day, items)],
            "on": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < timezone.localdate() else None,
            "only": only,
            "kinds": KINDS,
        }
        return render(request, "logbook/history.html", context)

    before = parse_moment(request.GET.get("before"))
    items = timeline(request.user, before=before, only=only, limit=PAGE_SIZE + 1)
    page, more = items[:PAGE_SIZE], len(items) > PAGE_SIZE
    days = defaultdict(list)
    for item in page:
        days[timezone.localtime(item.when).date()].append(item)
    context = {
        "days": list(days.items()),
        "only": only,
        "kinds": KINDS,
        "next_before": page[-1].when.isoformat() if more else None,
        # A day cut in two by paging keeps one heading.
        "continues_day": request.GET.get("day"),
    }
    if request.htmx and before:
        return render(request, "logbook/partials/history_page.html", context)
    return render(request, "logbook/history.html", context)


def parse_day(value) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if EARLIEST_TIME.date() <= day <= timezone.localdate() + timedelta(days=1) else None


def parse_moment(value) -> datetime | None:
    """A paging cursor: an ISO time (on the athlete's clock if it has no offset)."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_current_timezone())
    try:
        moment.astimezone(UTC)
    except OverflowError:  # a year 1 or 9999 time, moved out of range by its offset
        return None
    return moment


# --- Episodes -------------------------------------------------------------------------

HEATMAP_WEEKS = 12
EPISODE_LIST = 50


@login_required
def episodes(request):
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    start, _ = local_day_bounds(first)
    recent = list(TwitchEpisode.objects.filter(user=request.user, started_at__gte=start))
    per_day = Counter(timezone.localtime(e.started_at).date() for e in recent)
    weeks = [
        [
            heat_cell(first + timedelta(days=7 * week + weekday), per_day, today)
            for weekday in range(7)
        ]
        for week in range(HEATMAP_WEEKS)
    ]
    by_region = Counter(e.get_body_region_display() for e in recent).most_common()
    by_kind = Counter(e.get_kind_display() for e in recent).most_common()
    weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    context = {
        "weeks": weeks,
        "rows": [(label, [week[index] for week in weeks]) for index, label in enumerate(weekdays)],
        "total": len(recent),
        "twitches": sum(e.count for e in recent),
        "by_region": bars(by_region),
        "by_kind": bars(by_kind),
        "first": first,
        # Newest first, each a link to its edit page.
        "episodes": [
            TimelineItem(BY_SLUG["episode"], e, e.started_at) for e in recent[:EPISODE_LIST]
        ],
        "more_episodes": len(recent) > EPISODE_LIST,
    }
    return render(request, "logbook/episodes.html", context)


def heat_cell(day: date, per_day: Counter, today: date) -> dict:
    count = per_day.get(day, 0)
    level = 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3
    return {"day": day, "count": count, "level": level, "future": day > today}


def bars(counts: list[tuple[str, int]]) -> list[dict]:
    most = max((n for _, n in counts), default=1)
    return [{"label": label, "count": n, "percent": round(n * 100 / most)} for label, n in counts]


# --- Settings and accounts ------------------------------------------------------------


@login_required
def settings_page(request):
    profile = request.user.profile
    form = forms.ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("settings")
    context = {
        "form": form,
        "timezones": sorted(known_timezones()),
        "api_token": Token.objects.filter(user=request.user).first(),
    }
    return render(request, "logbook/settings.html", context)


@login_required
@require_POST
def revoke_token(request):
    Token.objects.filter(user=request.user).delete()
    messages.success(request, "API token revoked: it opens nothing any more.")
    return redirect("settings")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Password changed.")
        return redirect("settings")
    return render(request, "registration/password_change.html", {"form": form})


def signup(request):
    if not settings.SIGNUP_OPEN:
        return render(request, "registration/signup_closed.html", status=403)
    if request.user.is_authenticated:
        return redirect("today")
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, "Welcome! Set your time zone first, so days start at your midnight."
        )
        return redirect("settings")
    return render(request, "registration/signup.html", {"form": form})
