"""Web Push: a message to a phone, through its browser's push service.

pywebpush encrypts the message to the browser's keys (RFC 8291, aes128gcm)
and signs the request with this server's VAPID key (RFC 8292), from the
settings VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT; without the
keys push is not available, and reminders go by email.

A push service that answers 404 or 410 has forgotten the subscription (the
person turned notifications off, or cleared the browser): it is deleted.
Anything else (5xx, 429, a refused connection, a timeout) leaves it, with the
error in last_error, to be tried again. A push service that never answers is
given TIMEOUT seconds, so it cannot hold the sender up.
"""

import json
import logging
from enum import StrEnum
from functools import cache

import requests
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid, VapidException
from pywebpush import WebPushException, webpush

from logbook.models import PushSubscription

logger = logging.getLogger(__name__)

# Seconds to connect, and again to wait for an answer.
TIMEOUT = 5
# How long a push service keeps a message for a phone that is off: a reminder
# later than this is no use.
TTL = 60 * 60
GONE = (404, 410)


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"  # the subscription was deleted
    FAILED = "failed"


def available() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


@cache
def vapid_key(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


def send(subscription: PushSubscription, payload: dict) -> tuple[Outcome, str]:
    """Push `payload` (as JSON) to one subscription; (outcome, error in a few words)."""
    try:
        webpush(
            subscription.info,
            data=json.dumps(payload),
            vapid_private_key=vapid_key(settings.VAPID_PRIVATE_KEY),
            # A new dict each time: pywebpush writes the audience and expiry into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            timeout=TIMEOUT,
            ttl=TTL,
            headers={"Urgency": "normal"},
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in GONE:
            subscription.delete()
            logger.info("push subscription %s gone (%s): deleted", subscription.pk, status)
            return Outcome.GONE, f"HTTP {status}"
        return failed(subscription, f"HTTP {status}" if status else type(exc).__name__)
    except (requests.RequestException, ValueError, TypeError, VapidException) as exc:
        # Timeouts, refused connections; keys the encryption could not use; a
        # VAPID_SUBJECT that is not a mailto: or https: address. The name
        # only: some messages carry the endpoint's address.
        return failed(subscription, type(exc).__name__)
    subscription.last_used_at = timezone.now()
    subscription.last_error = ""
    subscription.save(update_fields=["last_used_at", "last_error"])
    return Outcome.SENT, ""


def failed(subscription: PushSubscription, error: str) -> tuple[Outcome, str]:
    logger.warning("push to subscription %s failed: %s", subscription.pk, error)
    subscription.last_error = f"{timezone.now():%Y-%m-%d %H:%M} UTC: {error}"
    subscription.save(update_fields=["last_error"])
    return Outcome.FAILED, error
