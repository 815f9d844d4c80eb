"""The pages for logging and looking back: Today, the log forms, History, Episodes,
Settings and sign-up. Every form works as a plain POST; with htmx, errors are
swapped in place."""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Sum
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from logbook import forms
from logbook.models import (
    DailyCheckin,
    EpisodeKind,
    HydrationEntry,
    TwitchEpisode,
    Workout,
    known_timezones,
)


@dataclass(frozen=True)
class EntryKind:
    slug: str  # in URLs: /log/<slug>/
    api_type: str  # the key of this kind in /api/v1/sync/
    model: type
    form: type
    title: str


KINDS = {
    kind.slug: kind
    for kind in [
        EntryKind(
            "episode", "episodes", TwitchEpisode, forms.EpisodeForm, "Twitch, spasm or cramp"
        ),
        EntryKind("workout", "workouts", Workout, forms.WorkoutForm, "Workout"),
        EntryKind("hydration", "hydration", HydrationEntry, forms.HydrationForm, "Drink"),
        EntryKind("checkin", "checkins", DailyCheckin, forms.CheckinForm, "Daily check-in"),
    ]
}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}


# One-tap values next to the duration and volume fields.
FORM_HELPERS = {
    "quick_durations": [(10, "10 s"), (30, "30 s"), (60, "1 min"), (300, "5 min"), (900, "15 min")],
    "quick_volumes": [250, 330, 500, 750],
}


def entry_kind(slug: str) -> EntryKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("No such kind of entry.") from None


def owned(request, model, pk):
    """The requester's entry, or 404 whether it is someone else's or nobody's."""
    return get_object_or_404(model, pk=pk, user=request.user)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


# --- Today ------------------------------------------------------------------------


@login_required
def today(request):
    return render(request, "logbook/today.html", today_context(request))


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
        "water_ids": {ml: uuid.uuid4() for ml in (250, 500)},
    }


@login_required
@require_POST
def quick_water(request):
    """+250 ml / +500 ml on Today: one tap, one drink of water."""
    form = forms.HydrationForm(
        {
            "id": request.POST.get("id"),
            "volume_ml": request.POST.get("volume_ml"),
            "drink": "water",
            "taken_at": timezone.localtime().strftime(forms.LOCAL_MINUTE),
        }
    )
    if already_saved(request, HydrationEntry, request.POST.get("id")) is None:
        if not form.is_valid():
            messages.error(request, "That amount could not be saved.")
            return redirect("today")
        form.instance.user = request.user
        form.save()
    if request.htmx:
        return render(request, "logbook/partials/today_totals.html", today_context(request))
    messages.success(request, f"Added {form.data['volume_ml']} ml of water.")
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
    form_kwargs = {"user": None} if kind.model is DailyCheckin else {}
    form = kind.form(**form_kwargs)
    form.fields["id"].initial = None
    context = {"form": form, "kind": kind, "entry": None, "shell": True, **FORM_HELPERS}
    return render(request, "logbook/entry_form.html", context)


@login_required
def log_or_edit(request, kind, pk=None):
    kind = entry_kind(kind)
    instance = owned(request, kind.model, pk) if pk else None
    if instance is None and kind.model is DailyCheckin and request.method == "GET":
        todays = DailyCheckin.objects.filter(user=request.user, date=timezone.localdate()).first()
        if todays:
            return redirect("edit_entry", kind=kind.slug, pk=todays.pk)
    form_kwargs = {"user": request.user} if kind.model is DailyCheckin else {}

    if request.method == "POST":
        if instance is None:
            previous = already_saved(request, kind.model, request.POST.get("id"))
            if previous is not None:
                # The same form sent again (a double tap, a retry): already done.
                return saved(request, kind, previous)
        form = kind.form(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            entry = form.save(commit=False)
            entry.user = request.user
            entry.save()
            return saved(request, kind, entry)
    else:
        form = kind.form(instance=instance, initial=defaults(request, kind), **form_kwargs)

    context = {"form": form, "kind": kind, "entry": instance, **FORM_HELPERS}
    if kind.model is TwitchEpisode:
        # Kept on the phone, so that a form filled in offline guesses the timing too.
        ended = last_workout_end(request.user, timezone.now())
        context["last_workout_end"] = ended.isoformat() if ended else "none"
    # 422: the form came back with errors, and nothing was saved.
    status = 422 if request.method == "POST" else 200
    if request.htmx and request.method == "POST":
        return render(request, "logbook/partials/entry_form.html", context, status=status)
    return render(request, "logbook/entry_form.html", context, status=status)


def already_saved(request, model, client_id):
    """The requester's entry with this client id, if one was saved already."""
    try:
        entry_id = uuid.UUID(str(client_id))
    except ValueError:
        return None
    entry = model.objects.filter(pk=entry_id).first()
    if entry is not None and entry.user_id != request.user.pk:
        raise Http404
    return entry


def saved(request, kind, entry):
    messages.success(request, f"Saved: {entry}.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("today"))
    return redirect("today")


def defaults(request, kind) -> dict:
    """Start values that save taps: now, and what this person logged last time."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    mine = kind.model.objects.filter(user=request.user)
    if kind.model is TwitchEpisode:
        last = mine.only("kind", "body_region", "side").first()
        ended = last_workout_end(request.user, now)
        initial = {"started_at": now, "timing": timing_after(ended, now), "pain": 3}
        if last:
            initial.update(kind=last.kind, body_region=last.body_region, side=last.side)
        else:
            initial.update(kind=EpisodeKind.TWITCH)
    elif kind.model is Workout:
        last = mine.only("kind", "duration_min", "rpe").first()
        initial = {"started_at": now, "warmed_up": True}
        if last:
            initial.update(kind=last.kind, duration_min=last.duration_min, rpe=last.rpe)
    elif kind.model is HydrationEntry:
        last = mine.only("drink", "volume_ml").first()
        initial = {"taken_at": now, "volume_ml": last.volume_ml if last else 250}
        initial["drink"] = last.drink if last else "water"
    else:
        initial = {"date": now.date()}
    # A link may pre-fill fields, e.g. the body map: ?body_region=calf&side=left
    for name in request.GET:
        if name in kind.form.base_fields and name != "id":
            initial[name] = request.GET[name]
    return initial


def last_workout_end(user, now) -> datetime | None:
    last = (
        Workout.objects.filter(user=user, started_at__lte=now)
        .only("started_at", "duration_min")
        .first()
    )
    return last.started_at + timedelta(minutes=last.duration_min) if last else None


def timing_after(ended: datetime | None, now) -> str:
    """Right after a workout that ended within the hour, hours after one within a day.

    app.js makes the same guess on the phone for forms filled in offline.
    """
    if ended is None or now - ended > timedelta(hours=24):
        return "unrelated"
    if now - ended <= timedelta(hours=1):
        return "right_after"
    return "hours_after"


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
    for kind in KINDS.values():
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
    only = request.GET.get("type")
    if only and only not in KINDS:
        only = None
    before = None
    if request.GET.get("before"):
        try:
            before = datetime.fromisoformat(request.GET["before"])
        except ValueError:
            before = None
    items = timeline(request.user, before=before, only=only, limit=PAGE_SIZE + 1)
    page, more = items[:PAGE_SIZE], len(items) > PAGE_SIZE
    days = defaultdict(list)
    for item in page:
        days[timezone.localtime(item.when).date()].append(item)
    context = {
        "days": list(days.items()),
        "only": only,
        "kinds": KINDS.values(),
        "next_before": page[-1].when.isoformat() if more else None,
        # A day cut in two by paging keeps one heading.
        "continues_day": request.GET.get("day"),
    }
    if request.htmx and before:
        return render(request, "logbook/partials/history_page.html", context)
    return render(request, "logbook/history.html", context)


# --- Episodes -------------------------------------------------------------------------

HEATMAP_WEEKS = 12


@login_required
def episodes(request):
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    start, _ = local_day_bounds(first)
    recent = list(
        TwitchEpisode.objects.filter(user=request.user, started_at__gte=start).only(
            "started_at", "kind", "body_region", "count"
        )
    )
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
    context = {"form": form, "timezones": sorted(known_timezones())}
    return render(request, "logbook/settings.html", context)


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
