"""One way to write dates and times on every page: {% when value "day" %}.

The server writes a plain fallback inside <time datetime="...">; app.js then
rewrites it in the browser's own locale (Intl.DateTimeFormat), in the same
style everywhere. A style names what is shown, not how:

- "day": the weekday and date, e.g. Mon 30 Nov (the year when it is not this one)
- "date": the date with its year, e.g. 30 Nov 2026
- "datetime": the date and the time, e.g. 30 Nov, 14:05
- "time": the time, e.g. 14:05
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from logbook import wording

register = template.Library()

FALLBACK = {"day": "D j M", "date": "j M Y", "datetime": "j M, H:i", "time": "H:i"}


@register.simple_tag
def when(value, style="day"):
    if value in (None, ""):
        return ""
    if style not in FALLBACK:
        raise template.TemplateSyntaxError(f"Unknown date style {style!r}")
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        machine = value.isoformat(timespec="minutes")
    elif isinstance(value, date):
        machine = value.isoformat()
    else:
        raise template.TemplateSyntaxError(f"{value!r} is not a date")
    text = date_format(value, FALLBACK[style])
    if style == "day" and value.year != timezone.localdate().year:
        text += f" {value.year}"
    return format_html('<time datetime="{}" data-when="{}">{}</time>', machine, style, text)


@register.filter
def duration(seconds):
    """An episode's length as people say it: "1 min 30 s"."""
    return "" if seconds in (None, "") else wording.duration(seconds)


@register.filter
def minutes(count):
    """A workout's length: "45 min", "1 h 30 min"."""
    return "" if count in (None, "") else wording.minutes(count)
