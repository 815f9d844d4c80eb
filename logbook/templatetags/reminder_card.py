"""{% reminders_card %}: the Reminders card of Settings (its forms post to
logbook/reminder_views.py)."""

from django import template
from django.conf import settings

from logbook import push, reminders, reminding
from logbook.reminder_forms import QuietHoursForm, ReminderForm
from logbook.reminder_views import NEW_REMINDER

register = template.Library()


@register.inclusion_tag("logbook/partials/reminders_card.html", takes_context=True)
def reminders_card(context):
    user = context["request"].user
    profile = user.profile
    quiet = reminding.quiet_hours(profile)
    return {
        "csrf_token": context.get("csrf_token"),
        "reminders": [
            {
                "reminder": reminder,
                "days": reminders.days_label(reminder.days),
                "quiet": quiet_note(reminder.time, quiet),
            }
            for reminder in user.reminders.all()
        ],
        "form": ReminderForm(user=user, initial=NEW_REMINDER),
        "quiet_form": QuietHoursForm(instance=profile),
        "quiet": quiet,
        "push_available": push.available(),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        "endpoints": list(user.push_subscriptions.values_list("endpoint", flat=True)),
        "email": user.email,
    }


def quiet_note(at, quiet: reminders.QuietHours | None) -> str:
    """What quiet hours do to a reminder at `at` (logbook/reminders.py release)."""
    if quiet is None or not quiet.covers(at):
        return ""
    if quiet.start < quiet.end or at < quiet.end:
        return f"In your quiet hours: sent when they end, at {quiet.end:%H:%M}."
    return "In your quiet hours, which end the next day: not sent."
