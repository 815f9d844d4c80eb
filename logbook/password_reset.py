"""Password reset, rate-limited: a stranger can neither flood someone's inbox
with reset mails nor pile up live reset links for an account.

Two counters, each for PASSWORD_RESET_LIMIT["window_seconds"]:
- per address typed into the form: past the limit, the form says so. This
  tells nothing about whether an account has that address, since any address
  is counted, with or without an account.
- per account: past the limit, no further mail goes out, and the form answers
  as it always does ("check your inbox"), so that it cannot be used to learn
  which addresses have accounts. The holder already has recent links.

Counters live in the cache; when it is down, resets go through (as the API's
throttle does): a reset must not fail because Redis did.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)


def within_limit(kind: str, key: str, limit: int) -> bool:
    """Count one more for `key`; whether it is still within `limit`."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no address in the cache
    cache_key = f"password-reset:{kind}:{digest}"
    window = settings.PASSWORD_RESET_LIMIT["window_seconds"]
    try:
        cache.add(cache_key, 0, timeout=window)
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    except Exception as exc:  # each cache backend raises its own errors
        logger.warning("password reset limit unavailable (%s); reset allowed", type(exc).__name__)
        return True
    return count <= limit


class RateLimitedPasswordResetForm(PasswordResetForm):
    def clean_email(self):
        email = self.cleaned_data["email"]
        if not within_limit("address", email.casefold(), settings.PASSWORD_RESET_LIMIT["address"]):
            raise ValidationError(
                "Too many reset links were asked for this address. "
                "Check your inbox for the last one, or try again in an hour.",
                code="rate_limited",
            )
        return email

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        if within_limit("account", str(user.pk), settings.PASSWORD_RESET_LIMIT["account"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedPasswordResetForm
