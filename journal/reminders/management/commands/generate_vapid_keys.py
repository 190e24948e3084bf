import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Command(BaseCommand):
    help = (
        "Prints a new VAPID key pair for Web Push reminders, as VAPID_PUBLIC_KEY and "
        "VAPID_PRIVATE_KEY lines for the environment. Changing keys later ends every "
        "device's subscription (people turn notifications on again)."
    )

    def handle(self, *args: object, **options: object) -> None:
        private = ec.generate_private_key(ec.SECP256R1())
        raw_private = private.private_numbers().private_value.to_bytes(32, "big")
        raw_public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.stdout.write(f"VAPID_PUBLIC_KEY={_b64(raw_public)}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={_b64(raw_private)}")
