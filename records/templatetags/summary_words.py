"""Phrases of the visit summary's pages, from logbook.wording."""

from django import template

from logbook import wording

register = template.Library()


@register.filter
def span_of(first, last) -> str:
    """{{ start|span_of:end }} -> "16–26 Nov 2026"."""
    return wording.span(first, last)


@register.filter
def days_list(days) -> str:
    """Dates as "3 Nov, 5 Nov and 12 Nov 2026"."""
    return wording.and_list([wording.day(day) for day in days])


@register.filter
def amount(value, unit="") -> str:
    return wording.amount(value, unit)


@register.filter
def plural(count, words) -> str:
    """{{ 3|plural:"day" }} -> "3 days"; {{ n|plural:"entry,entries" }}."""
    singular, _, many = words.partition(",")
    return wording.plural(count, singular, many or None)
