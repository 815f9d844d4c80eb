"""The emails twitchlog sends: one thin function each, from templates/emails/."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

UNSUBSCRIBE_SALT = "twitchlog.digest.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_id_from_token(token: str) -> int:
    """The user a token was made for; raises signing.BadSignature if it was tampered with."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)["user"]


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
