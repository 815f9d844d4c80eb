"""Numbers as the digest writes them."""

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    """1234 -> "1,234"."""
    return f"{value:,.0f}"


@register.filter
def signed(value) -> str:
    """35 -> "+35", -10 -> "-10"."""
    return f"{value:+d}"


@register.filter
def trend(difference: int) -> str:
    """How this week's count compares: "2 more than", "1 fewer than", "as many as"."""
    if difference > 0:
        return f"{difference} more than"
    if difference < 0:
        return f"{-difference} fewer than"
    return "as many as"
