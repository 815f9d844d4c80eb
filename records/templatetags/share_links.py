"""{% active_share_links as links %}: the signed-in person's share links still
open, for pages outside this app (Settings)."""

from django import template

from records.models import ShareLink

register = template.Library()


@register.simple_tag(takes_context=True)
def active_share_links(context):
    return list(ShareLink.objects.filter(user=context["request"].user).active())
