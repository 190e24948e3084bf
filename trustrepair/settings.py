"""TrustRepair settings: one file, configured from the environment, safe by default.

DEBUG is off unless DEBUG=1 is set. With DEBUG off, SECRET_KEY must come from
the environment and the HTTPS protections are on, so a forgotten variable
fails closed rather than open.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from trustrepair.environment import env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment "
            "(or DEBUG=1 for local development, which uses a throwaway key)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

# Free text in the journal is encrypted at rest (trustrepair.crypto). Newest key first.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Generate one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    FIELD_ENCRYPTION_KEYS = ["ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZHU="]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin, on a site that has no sign-in of its own (trustrepair.admin_site).
    "trustrepair.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    # Second-factor devices live in trustrepair (encrypted keys, hashed recovery codes).
    # django-otp's own plugins stay installed only so the migration that moved their
    # rows keeps its history; their tables are empty and their admin is unregistered.
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "trustrepair",
    "guides",
    "journal",
    "journal.sharing",
    "journal.couples",
    "journal.reminders",
    # Django's Tasks framework on the database (no broker): `manage.py db_worker`.
    "django_tasks_db",
]

MIDDLEWARE = [
    "trustrepair.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "trustrepair.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trustrepair.middleware.UserTimezoneMiddleware",
    "trustrepair.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trustrepair.urls"
# The URL prefix the app is mounted under. Set here, never taken from a request's
# SCRIPT_NAME, so no header can change the links in a page (cached lesson pages
# are shared by every reader).
FORCE_SCRIPT_NAME = os.environ.get("FORCE_SCRIPT_NAME", "")
WSGI_APPLICATION = "trustrepair.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trustrepair.context_processors.site",
                "trustrepair.context_processors.signed_in",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and a writer overlap; the connection is kept between requests
    # like PostgreSQL's, as opening one (and its PRAGMAs) costs more than most pages.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "trustrepair.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "trustrepair.backends.UserBackend",
]
# What an authenticator app shows next to the code: neutral on purpose.
OTP_TOTP_ISSUER = "Notebook"
# django-otp's growing pause after wrong codes: 1, 2, 4, 8... seconds (trustrepair.twofactor).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "journal:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: a lockout per username + IP, with a cool-off. Password re-checks
# (confirm, password change, account deletion) count in the same throttle.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A success does not wipe the failures counted for that username and address: otherwise
# the owner signing in at home would hand a guesser on the same network fresh tries.
# The owner's own browser is exempt anyway, through its device cookie.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "trustrepair.accounts.locked_out"
AXES_VERBOSE = False
# A browser that signed in to an account before is not locked out of it by someone
# else's guesses (OWASP's device cookies; trustrepair.device_cookie).
AXES_WHITELIST_CALLABLE = "trustrepair.device_cookie.exempt_from_lockout"
# django-axes keeps a failed request's form fields (masked by name); none of ours may be kept.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "password1",
    "password2",
    "confirm",
    "csrfmiddlewaretoken",
]
# Access records (sign-ins, failures) are kept this long (manage.py purge_access_records).
ACCESS_RECORD_DAYS = env_int("ACCESS_RECORD_DAYS", 30)
# New accounts and password-reset mails per client address per hour (trustrepair.limits).
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 10)
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 5)
# How many reverse proxies in front of the app append to X-Forwarded-For; the
# client address (throttles, lockouts) is read from that header only this deep.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "trustrepair.addresses.client_address"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# Without collectstatic (development and tests) whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or env_bool("PLAIN_STATIC")
# Browsers want the web app manifest with its own type.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# One cache shared by every app server: lesson pages and the counters that must hold
# across servers (share-link guesses, sign-up and password-reset limits). Unset, it is
# local memory, so `make run` and the tests need no server.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "trustrepair",
            # A cache that is down must answer fast, so pages degrade instead of hanging.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "trustrepair",
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r}: use redis://host:port/db (or rediss://), or leave it unset."
    )
# How long a server process trusts its last look at the course before asking the
# database again (guides.caching): a content reload shows everywhere within this.
COURSE_RECHECK_SECONDS = env_float("COURSE_RECHECK_SECONDS", 5)
# The helpline directory the safety page lists (loaded by `manage.py sync_guides`). A
# deployment points this at its own file to list its own region's services.
HELPLINES_FILE = Path(
    os.environ.get("HELPLINES_FILE") or BASE_DIR / "guides" / "content" / "helplines.yaml"
)
if not HELPLINES_FILE.is_absolute():
    HELPLINES_FILE = BASE_DIR / HELPLINES_FILE
if not HELPLINES_FILE.is_file():
    raise ImproperlyConfigured(f"HELPLINES_FILE {HELPLINES_FILE} is not a file.")

# Sessions: short idle timeout, refreshed on activity; see trustrepair.middleware.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ENGINE = "trustrepair.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Set on a successful sign-in (trustrepair.device_cookie); renamed __Host-device over HTTPS.
DEVICE_COOKIE_NAME = "device"
DEVICE_COOKIE_DAYS = 180
# A form posted after the session ended is kept this long, encrypted, for the browser
# that sent it (trustrepair.kept_words); renamed __Host-kept over HTTPS.
KEPT_WORDS_MINUTES = env_int("KEPT_WORDS_MINUTES", 120)
KEPT_WORDS_COOKIE_NAME = "kept"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Production (DEBUG off) is HTTPS-only unless explicitly told otherwise
# (HTTPS=0 exists for local benchmarks over plain HTTP on 127.0.0.1).
HTTPS = env_bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise to browsers that is slow to take back, so it is opt-in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are bound to this exact host, over HTTPS, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    DEVICE_COOKIE_NAME = "__Host-device"
    KEPT_WORDS_COOKIE_NAME = "__Host-kept"
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.NONE],
    # Every script is a file served by the app: no inline code, so no nonce is needed
    # (and pages without a per-response nonce can be cached and revalidated).
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    # The service worker (/sw.js) that keeps lessons for offline reading.
    "worker-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

_SMTP_OPTIONS = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS"),
}
_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Background work (reminders) runs on Django's Tasks framework with the database backend:
# `manage.py db_worker` runs what `manage.py schedule_reminders` enqueues.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The address of the site, for links in messages sent from the worker (reminder emails).
# Unset, the first host in ALLOWED_HOSTS is used with https://.
SITE_URL = (os.environ.get("SITE_URL") or ("http://127.0.0.1:8000" if DEBUG else "")).rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} should start with https://")
# Web Push (reminders as notifications): a VAPID key pair from
# `manage.py generate_vapid_keys`. Without it, only email reminders are offered.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "").strip()
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "").strip()
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured("Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither.")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "").strip() or f"mailto:{DEFAULT_FROM_EMAIL}"
# The push services a browser's subscription may point at (host names, subdomains
# included). The worker sends to these addresses, so nothing else is accepted.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
)

# A neutral page for the quick exit; it must be somewhere unremarkable.
QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.wikipedia.org/")
# The tab title is deliberately bland, so a glance at the screen gives nothing away.
SITE_TAB_NAME = "Notebook"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would print request bodies in some error paths;
        # requests are logged by trustrepair.middleware instead, path only.
        # Its error records carry the exception message, which can quote what was typed.
        "django.request": {"handlers": [], "propagate": False, "level": "CRITICAL"},
        "django.server": {"handlers": [], "propagate": False},
        "axes": {"level": "WARNING"},
    },
}
