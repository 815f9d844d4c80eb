"""The emails twitchlog sends: one thin function each, from templates/emails/."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from logbook.models import Profile

UNSUBSCRIBE_SALT = "twitchlog.digest.unsubscribe"


def unsubscribe_token(user) -> str:
    """A link's key: the user and their profile's link version, signed."""
    return signing.dumps(
        {"user": user.pk, "v": user.profile.digest_link_version}, salt=UNSUBSCRIBE_SALT
    )


def profile_from_token(token: str):
    """The profile a token still stands for. Raises signing.BadSignature if it was
    tampered with, or made before the athlete subscribed again; Profile.DoesNotExist
    if the athlete is gone."""
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    profile = Profile.objects.get(user_id=payload["user"])
    if payload.get("v", 0) != profile.digest_link_version:
        raise signing.BadSignature("an older link")
    return profile


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# What a preview shows instead of the athlete's own unsubscribe link.
INERT_LINK = "#unsubscribe-link-left-out-of-previews"


def digest_message(user, digest, *, private: bool, preview: bool = False) -> EmailMultiAlternatives:
    """The weekly digest: a subject, a plain-text body and an HTML body.

    Every digest carries one-click unsubscribe headers (RFC 8058). A private
    digest says only how many entries and flags are new. A preview (for staff)
    carries no working unsubscribe link.
    """
    if preview:
        unsubscribe_url = INERT_LINK
    else:
        unsubscribe_url = absolute(reverse("digest_unsubscribe", args=[unsubscribe_token(user)]))
    context = {
        "user": user,
        "digest": digest,
        "week": digest.week,
        "app_url": absolute(reverse("today")),
        "flags_url": absolute(reverse("flags")),
        "patterns_url": absolute(reverse("patterns")),
        "settings_url": absolute(reverse("settings")),
        "unsubscribe_url": unsubscribe_url,
    }
    name = "digest_private" if private else "digest"
    subject = "Your twitchlog week" if private else digest.subject
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message
