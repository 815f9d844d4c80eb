"""The Reminders card's pages: adding, editing, turning off and deleting one's
reminders, quiet hours, this phone's push subscription, and the snooze link
that a notification or an email carries.

Every page but the snooze link needs signing in and touches the person's own
rows only: anyone else's reminder answers 404, as one that does not exist.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from logbook import reminders, reminding
from logbook.models import PushSubscription, Reminder, ReminderSend
from logbook.reminder_forms import PushSubscriptionForm, QuietHoursForm, ReminderForm

# Where this phone's subscription is kept in the session, so that logging out
# stops this phone's notifications (logbook/signals.py).
SESSION_ENDPOINT = "push_endpoint"
NEW_REMINDER = {"what": "checkin", "time": "21:00"}


def forget_phone_on_logout(sender, request, user, **kwargs):
    """Logging out stops this phone's reminders: the push subscription it made
    while signed in (kept in the session by push_subscribe) goes.
    (Connected to user_logged_out in logbook/apps.py.)"""
    endpoint = request.session.get(SESSION_ENDPOINT) if request is not None else None
    if user is not None and endpoint:
        PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()


def reminders_url() -> str:
    return reverse("settings") + "#reminders"


def owned_reminder(request, pk) -> Reminder:
    return get_object_or_404(Reminder, pk=pk, user=request.user)


def described(reminder: Reminder) -> str:
    return f"{reminder.label}, {reminder.time:%H:%M}, {reminders.days_label(reminder.days)}"


@login_required
def reminder_new(request):
    form = ReminderForm(request.POST or None, user=request.user, initial=NEW_REMINDER)
    if request.method == "POST" and form.is_valid():
        reminder = form.save()
        messages.success(request, f"Reminder set: {described(reminder)}.")
        return redirect(reminders_url())
    return form_page(request, form, None)


@login_required
def reminder_edit(request, pk):
    """Any method but POST is answered as a GET: the form."""
    reminder = owned_reminder(request, pk)
    form = ReminderForm(
        request.POST if request.method == "POST" else None, instance=reminder, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            form.save()
            messages.success(request, f"Reminder saved: {described(reminder)}.")
        else:
            messages.info(request, f"Nothing changed: {described(reminder)}.")
        return redirect(reminders_url())
    return form_page(request, form, reminder)


def form_page(request, form, reminder):
    # 422: the form came back with errors, and nothing was saved.
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "reminder": reminder}
    return render(request, "logbook/reminder_form.html", context, status=status)


@login_required
def reminder_switch(request, pk):
    """POST enabled=1 turns it on, enabled=0 off (either twice is the same)."""
    reminder = owned_reminder(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    on = request.POST.get("enabled")
    if on not in ("0", "1"):
        return HttpResponse("enabled: must be 0 or 1.", status=400, content_type="text/plain")
    reminder.switch(on == "1")
    state = "on" if reminder.enabled else "off"
    messages.success(request, f"Turned {state}: {described(reminder)}.")
    return redirect(reminders_url())


@login_required
def reminder_delete(request, pk):
    reminder = owned_reminder(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reminder.delete()
    messages.success(request, f"Deleted the reminder: {described(reminder)}.")
    return redirect(reminders_url())


@login_required
def quiet_hours(request):
    form = QuietHoursForm(request.POST or None, instance=request.user.profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        hours = reminding.quiet_hours(profile)
        messages.success(request, f"Quiet hours: {hours}." if hours else "No quiet hours.")
        return redirect(reminders_url())
    status = 422 if request.method == "POST" else 200
    return render(request, "logbook/quiet_hours.html", {"form": form}, status=status)


# --- This phone's push subscription (static/js/push.js) -----------------------------


@login_required
@require_POST
def push_subscribe(request):
    """Keep this browser's subscription for the person: 201 new, 200 known. An
    endpoint another account holds answers 404 (push.js then asks the browser
    for a new one)."""
    form = PushSubscriptionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    taken = PushSubscription.objects.filter(endpoint=data["endpoint"]).first()
    if taken is not None and taken.user_id != request.user.pk:
        return JsonResponse({"errors": {"endpoint": ["Not found."]}}, status=404)
    _, created = PushSubscription.objects.update_or_create(
        endpoint=data["endpoint"],
        defaults={"user": request.user, "p256dh": data["p256dh"], "auth": data["auth"]},
    )
    request.session[SESSION_ENDPOINT] = data["endpoint"]
    return JsonResponse({"subscribed": True}, status=201 if created else 200)


@login_required
@require_POST
def push_unsubscribe(request):
    """Forget this browser's subscription: 204, or 404 if the person has none there."""
    endpoint = request.POST.get("endpoint", "")
    deleted, _ = PushSubscription.objects.filter(user=request.user, endpoint=endpoint).delete()
    if request.session.get(SESSION_ENDPOINT) == endpoint:
        del request.session[SESSION_ENDPOINT]
    return HttpResponse(status=204 if deleted else 404)


# --- Snoozing, from the notification or the email ----------------------------------------

SNOOZED_WORDS = {
    reminding.Snoozed.SNOOZED: "Snoozed: it comes again at {until}.",
    reminding.Snoozed.ALREADY: "This reminder was already snoozed once today.",
    reminding.Snoozed.QUIET: "Not snoozed: an hour from now is in your quiet hours.",
}


@csrf_exempt  # the service worker posts here without a session: the signed link is the key
def reminder_snooze(request, token):
    """GET asks to confirm (mail scanners open links); POST snoozes, no login
    needed. JSON for the service worker, a page for a browser."""
    try:
        send = reminding.send_from_token(token)
    except signing.BadSignature:
        return render(request, "logbook/reminder_snooze.html", {"invalid": True}, status=400)
    except ReminderSend.DoesNotExist:
        return render(request, "logbook/reminder_snooze.html", {"gone": True}, status=404)
    if request.method == "GET":
        return render(request, "logbook/reminder_snooze.html", {"send": send})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    outcome, until = reminding.snooze(send, timezone.now())
    message = SNOOZED_WORDS[outcome].format(until=local_time(send, until))
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"snoozed": outcome == reminding.Snoozed.SNOOZED, "message": message})
    return render(
        request, "logbook/reminder_snooze.html", {"send": send, "done": True, "message": message}
    )


def local_time(send: ReminderSend, until: datetime | None) -> str:
    if until is None:
        return ""
    return f"{until.astimezone(send.reminder.user.profile.zone):%H:%M}"
