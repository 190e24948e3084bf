import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from .crypto import EncryptedTextField


def new_totp_key() -> str:
    """A fresh 160-bit TOTP secret, as hex (django-otp's default size)."""
    return random_hex(20)


class User(AbstractUser):
    """A person using the app. Email is optional: people may not want it tied to this."""

    email = models.EmailField("email address", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    # Names are not asked for; keep the columns out of the way.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.username


class UserSession(AbstractBaseSession):
    """A database session that knows its user, so people can see and end their sessions."""

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="sessions")
    # Copied from the session's own data on every save (see trustrepair.sessions).
    created_at = models.DateTimeField(default=timezone.now)
    # A coarse browser/OS label (e.g. "Firefox on Linux"), never the full user agent.
    device = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expire_date"])]

    @classmethod
    def get_session_store_class(cls) -> type:
        from trustrepair.sessions import SessionStore

        return SessionStore


# Second-factor devices. django-otp's own TOTPDevice keeps its key as readable hex and
# StaticToken its recovery codes as written; these keep django-otp's Device contract
# and its throttling (ThrottlingMixin), with the key encrypted and the codes hashed.


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app. Only a confirmed device ever verifies a code."""

    key = EncryptedTextField(default=new_totp_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: a code is accepted once.
    last_t = models.BigIntegerField(default=-1)
    # Device's own column; declared for the type checker (django-otp ships no types).
    confirmed: bool

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def config_url(self) -> str:
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        params = urlencode(
            {
                "secret": b32encode(self.bin_key).decode().rstrip("="),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"

    def get_throttle_factor(self) -> int:
        return settings.OTP_TOTP_THROTTLE_FACTOR

    def _matches(self, token: str) -> bool:
        """django-otp's TOTP check (with its growing pause after each miss)."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        try:
            verified = totp.verify(int(token), self.tolerance, self.last_t + 1)
        except ValueError:
            verified = False
        if verified:
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return verified

    def verify_token(self, token: str) -> bool:
        # A key that was shown but never confirmed (an abandoned setup) proves nothing.
        return bool(self.confirmed) and self._matches(token)

    def confirm(self, token: str) -> bool:
        """Turns the device on when `token` comes from the key it was set up with."""
        if self.confirmed or not self._matches(token):
            return False
        self.confirmed = True
        self.save(update_fields=["confirmed"])
        return True


class _RecoveryCodeHasher(PBKDF2PasswordHasher):
    # Recovery codes are 50 random bits, not a person's choice: the stretching only has to
    # make trying every code from a stolen database hopeless, and costs ~10 ms per code.
    iterations = 20_000


_RECOVERY_HASHER = _RecoveryCodeHasher()


def hash_recovery_code(code: str) -> str:
    return _RECOVERY_HASHER.encode(code, _RECOVERY_HASHER.salt())


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time recovery codes, stored only as hashes. Each works once."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def get_throttle_factor(self) -> int:
        return settings.OTP_STATIC_THROTTLE_FACTOR

    def verify_token(self, token: str) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed or not self.confirmed:
            return False
        match = next(
            (code for code in self.codes.all() if _RECOVERY_HASHER.verify(token, code.code_hash)),
            None,
        )
        # Deleting decides: of two requests with the same code, only one deletes its row.
        used = match is not None and RecoveryCode.objects.filter(pk=match.pk).delete()[0] == 1
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return used


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)

    def __str__(self) -> str:
        return "A recovery code"


class WrongCodeNotice(models.Model):
    """Someone gave this person's password, then a wrong second-step code.

    One row per sign-in attempt; removed if that same attempt then succeeds (a typo),
    otherwise shown to the person at their next sign-in.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="wrong_code_notices")
    attempt = models.CharField(max_length=32)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "attempt"], name="one_notice_per_attempt")
        ]

    def __str__(self) -> str:
        return f"Wrong code after the right password, {self.failed_at:%Y-%m-%d %H:%M}"


class KeptForm(models.Model):
    """What someone typed into a form that arrived after their session had ended.

    Kept encrypted for a short while (trustrepair.kept_words), found again only by the
    browser that sent it (a hash of its random cookie) and only for the account that
    browser last signed in to; deleted as soon as it is shown again, or when it expires.
    """

    browser_hash = models.CharField(max_length=64)
    account_tag = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    fields = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["browser_hash", "path"])]

    def __str__(self) -> str:
        return f"Words kept at {self.created_at:%Y-%m-%d %H:%M}"
