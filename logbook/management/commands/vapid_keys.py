"""python manage.py vapid_keys: a new VAPID key pair for Web Push, as the
environment lines that config/settings.py reads. Keep the private key secret;
changing the pair makes every phone subscribe again."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def urlsafe(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key_pair() -> tuple[str, str]:
    """(public, private): the public key as browsers want it (the uncompressed
    P-256 point), the private key as its 32-byte number; both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return urlsafe(public), urlsafe(private)


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push reminders, as environment lines."

    def handle(self, *args, **options):
        public, private = new_key_pair()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}\n")
