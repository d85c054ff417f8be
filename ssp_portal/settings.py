"""SSP Portal settings: one module, every value from the environment.

Development needs nothing set (SQLite under var/, tasks in-process, e-mail to the console).
Production is `DEBUG=false`: then SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL
must be set, and the secure defaults below make `manage.py check --deploy` clean.
`.env.example` lists every variable read here.
"""

from __future__ import annotations

import ipaddress
import re
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from ssp_portal import clamd
from ssp_portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SSP_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
PRODUCTION = not DEBUG

SECRET_KEY = env_str(
    "SECRET_KEY",
    "django-insecure-development-key-never-use-in-production-0123456789",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ALLOWED_HOSTS must name the portal's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    # Before the admin, so that its forms show one field per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "csp",
    # The project package: template tags, error pages, shared templates.
    "ssp_portal",
    # Shared mechanisms: they import no domain app.
    "ssp_portal.audit",
    "ssp_portal.documents",
    "ssp_portal.notifications",
    # Domain apps: monitoring -> procurement -> organizations.
    "organizations",
    "procurement",
    "monitoring",
    # On top: reads across the domain apps and changes nothing.
    "opendata",
    "insights",
]

MIDDLEWARE = [
    # First: the time a request arrived, for deadlines (ssp_portal/arrival.py).
    "ssp_portal.arrival.ArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside whitenoise, so that static files get the headers too; they are told apart from
    # pages to a logged-in person by request.user, which only pages get.
    "csp.middleware.CSPMiddleware",
    "ssp_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before CSRF, whose process_view reads the body: a request too long for its view is a 413.
    "ssp_portal.middleware.RequestSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.UserLanguageMiddleware",
    # An address with a control character answers the 404 page before anything reads it: after
    # only what that page needs (the person, their language, the CSRF cookie of its forms), and
    # before CommonMiddleware, which would send a 404 on to the address with a slash added.
    "ssp_portal.middleware.InvalidAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ssp_portal.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the account middleware: who needs a second factor and has none sees only enrolment.
    "organizations.middleware.SecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: it renders error pages with everything the middleware above sets up.
    "ssp_portal.middleware.ErrorPagesMiddleware",
]

ROOT_URLCONF = "ssp_portal.urls"
WSGI_APPLICATION = "ssp_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.roles",
                "organizations.context_processors.second_factor",
                "procurement.context_processors.commission",
                # Last: a public page rendered to be kept has a placeholder for its CSRF token.
                "ssp_portal.public_cache.csrf_placeholder",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL (or any) through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", required=PRODUCTION)
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60 if DATABASE_URL else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DATABASE_JIT", False):
    # PostgreSQL compiles a query whose estimated cost is high (the queue's risk filter) before
    # running it: 170 ms to save a few on a query that runs in 100. The portal's queries are short;
    # DATABASE_JIT=true gives the server's own choice back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the cache (log-in throttling needs a shared cache).
REDIS_URL = env_str("REDIS_URL", required=PRODUCTION)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ssp",
        }
    }
    # Sessions stay in the database (every node reads them; nothing is lost when Redis restarts)
    # and are read through Redis: a page costs no query for its session.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages are kept for anonymous visitors (ssp_portal/public_cache.py) until a service changes
# what they show, and at most this long (changes made in the admin show after it); 0 keeps none.
SSP_PUBLIC_CACHE_SECONDS = env_int("SSP_PUBLIC_CACHE_SECONDS", 300)

# Red flags (insights/flags/): an amendment within this many days of the deadline then in force;
# one organization with more than this share (%) of a municipality's awards over this many
# calendar years, when at least this many competitions were completed then; reports overdue by
# more than this many days.
SSP_FLAG_AMENDMENT_DAYS = env_int("SSP_FLAG_AMENDMENT_DAYS", 3)
SSP_FLAG_DOMINANT_SHARE = env_int("SSP_FLAG_DOMINANT_SHARE", 50)
SSP_FLAG_DOMINANT_YEARS = env_int("SSP_FLAG_DOMINANT_YEARS", 3)
SSP_FLAG_DOMINANT_COMPETITIONS = env_int("SSP_FLAG_DOMINANT_COMPETITIONS", 2)
SSP_FLAG_OVERDUE_DAYS = env_int("SSP_FLAG_OVERDUE_DAYS", 30)

# Celery. Without a broker, tasks run in-process when they are sent (`make run` says so).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 5}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Bishkek"
# The one place where periodic work is declared.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "close-competitions-past-deadline": {
        "task": "procurement.tasks.close_competitions_past_deadline",
        "schedule": 60.0,
    },
    "remind-unsent-drafts": {
        "task": "procurement.tasks.remind_unsent_drafts",
        "schedule": 15 * 60.0,
    },
    "remind-missing-score-sheets": {
        "task": "procurement.tasks.remind_missing_score_sheets",
        "schedule": 60 * 60.0,
    },
    "remind-reports": {
        "task": "monitoring.tasks.remind_reports",
        "schedule": 60 * 60.0,
    },
    # Documents and e-mails that stay queued (a worker stopped, the broker lost them) go again.
    "requeue-stuck-documents": {
        "task": "ssp_portal.documents.tasks.requeue_stuck_documents",
        "schedule": 5 * 60.0,
    },
    "requeue-stuck-emails": {
        "task": "ssp_portal.notifications.tasks.requeue_stuck_emails",
        "schedule": 5 * 60.0,
    },
    # Just after midnight, Bishkek time: the audit chain's head of the day that ended.
    "publish-audit-chain-heads": {
        "task": "ssp_portal.audit.tasks.publish_chain_heads",
        "schedule": crontab(hour=0, minute=5),
    },
}
# A job queued this long is stuck; after this many attempts it is marked failed.
SSP_JOB_STUCK_MINUTES = env_int("SSP_JOB_STUCK_MINUTES", 10)
SSP_JOB_MAX_ATTEMPTS = env_int("SSP_JOB_MAX_ATTEMPTS", 5)
# A broker that does not answer is given up quickly: the sweep sends the work later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# Accounts (django-allauth): e-mail log-in, verified e-mail addresses, throttled failures.
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Django's rules, in the portal's words (organizations/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "organizations.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "organizations.passwords.MinimumLengthValidator"},
    {"NAME": "organizations.passwords.CommonPasswordValidator"},
    {"NAME": "organizations.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SSP Portal] "
ACCOUNT_ADAPTER = "organizations.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "organizations.forms.SignupExtraForm"
ACCOUNT_FORMS = {
    "login": "organizations.account_forms.LoginForm",
    "signup": "organizations.account_forms.SignupForm",
}
# Failed log-ins slow down whoever fails; they never lock the owner out (organizations/throttling.py).
# "ip" is one client address (see SSP_TRUSTED_PROXIES), "key" one account from one address: ten
# failures a minute from an address, or five in five minutes for one account from one address,
# make that address wait for the rest of the window (the form says how long). The account itself
# is never locked: after SSP_LOGIN_ACCOUNT_FAILURES failures from anywhere within
# SSP_LOGIN_ACCOUNT_WINDOW_MINUTES, the right password is followed by a second factor (the
# authenticator when the person has one, else a code sent to their e-mail).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("SSP_LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    # The public receipt check (procurement/views/applications.py).
    "receipt_verify": env_str("SSP_RECEIPT_VERIFY_RATE", "30/m/ip"),
}
SSP_LOGIN_ACCOUNT_FAILURES = env_int("SSP_LOGIN_ACCOUNT_FAILURES", 10)
SSP_LOGIN_ACCOUNT_WINDOW_MINUTES = env_int("SSP_LOGIN_ACCOUNT_WINDOW_MINUTES", 60)
# The code e-mailed for such a log-in: it goes through the e-mail queue, so it lives 10 minutes.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True

# Second factor (allauth.mfa): an authenticator app (TOTP), security keys (WebAuthn) and recovery
# codes. Finance staff, commission members, consultants and administrators must have one
# (organizations.permissions.mfa_required); the Django admin opens only in a session that used it.
MFA_ADAPTER = "organizations.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "SSP Portal"
MFA_FORMS = {
    "add_webauthn": "organizations.account_forms.AddWebAuthnForm",
    "edit_webauthn": "organizations.account_forms.EditWebAuthnForm",
}
# Browsers offer security keys on http://127.0.0.1 and localhost: the development server.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# In development a person may postpone enrolment for the session (the demo logins work so, and
# every page then says that the second factor is missing). Never in production.
SSP_MFA_POSTPONE_ALLOWED = env_bool("SSP_MFA_POSTPONE_ALLOWED", DEBUG)
if PRODUCTION and SSP_MFA_POSTPONE_ALLOWED:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SSP_MFA_POSTPONE_ALLOWED is for development only: unset it when DEBUG is false."
    )

# The reverse proxies in front of the portal (addresses or networks, comma-separated): only from
# them is X-Forwarded-For believed, read from the right (ssp_portal/clients.py). Empty: no proxy,
# and a forwarded header is ignored.
SSP_TRUSTED_PROXIES = env_list("SSP_TRUSTED_PROXIES", [])
for _proxy in SSP_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"SSP_TRUSTED_PROXIES: {_proxy!r} is neither an IP address nor a network (CIDR)."
        ) from None

# Internationalisation: Kyrgyz, Russian, English; times in the municipality's zone.
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ky", _("Kyrgyz")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# What a municipality publishes is written in each language (procurement/translation.py): Kyrgyz
# and Russian, the state languages, English when it is given. A reader sees their language, else
# Russian, else Kyrgyz, else English: always some text, marked with the language it is in.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("ky", "ru", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "ky", "en")}
# Dates day first and one decimal separator per language (ssp_portal/formats/<language>/).
FORMAT_MODULE_PATH = ["ssp_portal.formats"]
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

# Static files: the project's own and Bootstrap from xstatic, served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded and generated files are private: no MEDIA_URL, served only through views that
# check permission. They live under MEDIA_ROOT, or with SSP_STORAGE=s3 in a bucket of an
# S3-compatible object store (one every node shares: docs/deploy.md), read and written only
# through Django's storage API.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
SSP_STORAGE = env_str("SSP_STORAGE", "filesystem").strip().lower()
if SSP_STORAGE not in {"filesystem", "s3"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SSP_STORAGE must be 'filesystem' or 's3', not {SSP_STORAGE!r}.")


def _s3_storage_options() -> dict:
    """The S3 storage (django-storages) from SSP_S3_*: private objects, never a public URL."""
    endpoint_url = env_str("SSP_S3_ENDPOINT_URL") or None
    return {
        "bucket_name": env_str("SSP_S3_BUCKET", required=True),
        # Below this key prefix, so that one bucket may hold several portals (or a test's files).
        "location": env_str("SSP_S3_PREFIX", "").strip("/"),
        "endpoint_url": endpoint_url,
        "region_name": env_str("SSP_S3_REGION") or None,
        # Unset: boto3's own chain (its environment variables, an instance role).
        "access_key": env_str("SSP_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("SSP_S3_SECRET_ACCESS_KEY") or None,
        # Path-style addresses work with every S3-compatible store (MinIO, Ceph, moto).
        "addressing_style": env_str("SSP_S3_ADDRESSING_STYLE", "path" if endpoint_url else "auto"),
        "signature_version": "s3v4",
        # Private: the bucket's own policy, no ACL that could open an object to anyone; the files
        # go out only through the portal's views, so no URL is ever signed for a browser.
        "default_acl": None,
        "querystring_auth": True,
        # Two stored files never share a name, as on the file system.
        "file_overwrite": False,
    }


STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_storage_options()}
        if SSP_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
SSP_UPLOAD_MAX_BYTES = env_int("SSP_UPLOAD_MAX_MB", 10) * 1024 * 1024
SSP_APPLICATION_MAX_BYTES = env_int("SSP_APPLICATION_MAX_MB", 50) * 1024 * 1024
# The virus scanner: when set, every upload is streamed to clamd ("host:port" or the path of its
# unix socket) and refused when clamd finds a threat or cannot be asked (ssp_portal/clamd.py).
SSP_CLAMD_ADDRESS = env_str("SSP_CLAMD_ADDRESS", "").strip()
if SSP_CLAMD_ADDRESS:
    try:
        clamd.parse_address(SSP_CLAMD_ADDRESS)
    except ValueError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"SSP_CLAMD_ADDRESS: {exc}.") from None
# Seconds to wait for clamd to connect, read and answer.
SSP_CLAMD_TIMEOUT = env_int("SSP_CLAMD_TIMEOUT", 30)
# Days a submitted monitoring report may wait before its reviewers are reminded.
SSP_REVIEW_WAIT_DAYS = env_int("SSP_REVIEW_WAIT_DAYS", 5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: the console in development, SMTP from the environment in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SSP Portal <noreply@ssp.example>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The portal's address, for links in e-mails and documents (no trailing slash).
SSP_SITE_URL = env_str("SSP_SITE_URL", "http://127.0.0.1:8000", required=PRODUCTION).rstrip("/")
# The address people are told to write to (the foot of every e-mail, the audit log's page):
# never empty and never a no-reply address. When not set, the address of DEFAULT_FROM_EMAIL,
# unless that one is a no-reply address: then production refuses to start, and development
# shows an example address.
NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply)\b", re.IGNORECASE)
SSP_SUPPORT_EMAIL = env_str("SSP_SUPPORT_EMAIL").strip()
if not SSP_SUPPORT_EMAIL:
    SSP_SUPPORT_EMAIL = parseaddr(DEFAULT_FROM_EMAIL)[1]
    if NO_REPLY.match(SSP_SUPPORT_EMAIL) and not PRODUCTION:
        SSP_SUPPORT_EMAIL = "support@ssp.example"
if "@" not in SSP_SUPPORT_EMAIL or NO_REPLY.match(SSP_SUPPORT_EMAIL):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SSP_SUPPORT_EMAIL (or the address in DEFAULT_FROM_EMAIL) must be an e-mail address "
        f"that someone reads, not {SSP_SUPPORT_EMAIL!r}."
    )

# Open data: the OCDS 1.1.5 publication (opendata/, docs/opendata.md). Every contracting process is
# named SSP_OCDS_PREFIX-<reference>: the prefix the Open Contracting Partnership registers for the
# publisher ("ocds-" and six letters or digits; "ocds-xxxxxx" stands for one not yet registered),
# then what tells this portal's processes apart. The packages name their publisher, the licence of
# the data (CC BY 4.0 by default) and the page that says what is published when.
SSP_OCDS_PREFIX = env_str("SSP_OCDS_PREFIX", "ocds-xxxxxx-ssp").strip()
_ocds_parts = SSP_OCDS_PREFIX.split("-")
if not (
    len(_ocds_parts) >= 2
    and _ocds_parts[0] == "ocds"
    and len(_ocds_parts[1]) == 6
    and all(part.isascii() and part.isalnum() for part in _ocds_parts[1:])
    and _ocds_parts[1] == _ocds_parts[1].lower()
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SSP_OCDS_PREFIX must be 'ocds-' and six lowercase letters or digits, then optional parts "
        f"each after a hyphen (ocds-xxxxxx-ssp), not {SSP_OCDS_PREFIX!r}."
    )
SSP_OCDS_PUBLISHER_NAME = env_str("SSP_OCDS_PUBLISHER_NAME", "SSP Portal")
SSP_OCDS_PUBLISHER_URI = env_str("SSP_OCDS_PUBLISHER_URI", SSP_SITE_URL)
SSP_OCDS_LICENSE = env_str("SSP_OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
SSP_OCDS_PUBLICATION_POLICY = env_str("SSP_OCDS_PUBLICATION_POLICY", f"{SSP_SITE_URL}/open-data/")

# Security: strict in production, each value can be relaxed from the environment.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# An expired form answers the portal's page with a way back to the form.
CSRF_FAILURE_VIEW = "ssp_portal.errors.csrf_failure"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts, styles and images from the portal itself, no
# inline script or style attribute, no plugins, no framing. Templates keep their JavaScript in
# static/js and their styles in static/css (ssp_portal/tests/test_csp_browser.py holds them to it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its form icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: the browser features the portal never uses, turned off for it and for
# anything it could be made to embed (ssp_portal.middleware.SecurityHeadersMiddleware). Only names
# Chromium knows: it warns in the console of every page about any other.
SSP_PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
# Finance staff, commission members, consultants and administrators are logged out after this
# many minutes without a request (0: never); NCO members keep the session length.
SSP_IDLE_TIMEOUT_MINUTES = env_int("SSP_IDLE_TIMEOUT_MINUTES", 30)
if SSP_IDLE_TIMEOUT_MINUTES < 0:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SSP_IDLE_TIMEOUT_MINUTES must be 0 (no timeout) or more, not {SSP_IDLE_TIMEOUT_MINUTES}."
    )

# 360Giving: the awards of completed competitions as grants data (opendata/giving.py,
# docs/opendata-360giving.md). The prefix 360Giving gives a publisher ("360G-" and its own part)
# starts every grant's identifier; the funder's identifier is made from the municipality's {slug}
# or {code} (the default scheme, XI-SSP, names the portal's own list of municipalities).
SSP_360GIVING_PREFIX = env_str("SSP_360GIVING_PREFIX", "360G-sspportal").strip().rstrip("-")
SSP_360GIVING_FUNDER_ID = env_str("SSP_360GIVING_FUNDER_ID", "XI-SSP-{slug}").strip()
SSP_360GIVING_LICENSE = env_str("SSP_360GIVING_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
SSP_360GIVING_PUBLISHER = env_str("SSP_360GIVING_PUBLISHER", "SSP Portal").strip()
if not SSP_360GIVING_PREFIX.startswith("360G-"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f'SSP_360GIVING_PREFIX must be the prefix 360Giving gave the publisher, "360G-…", '
        f"not {SSP_360GIVING_PREFIX!r}."
    )
try:
    SSP_360GIVING_FUNDER_ID.format(slug="karakol", code="KRK")
except (KeyError, IndexError, ValueError) as exc:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SSP_360GIVING_FUNDER_ID may name only {{slug}} and {{code}}, not {SSP_360GIVING_FUNDER_ID!r}."
    ) from exc
if not SSP_360GIVING_PUBLISHER or not SSP_360GIVING_LICENSE.startswith(("https://", "http://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SSP_360GIVING_PUBLISHER must name who publishes the grants data, and SSP_360GIVING_LICENSE "
        "must be the address of its licence."
    )

# Forms.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Demo data (`seed_demo`) is refused where it is not allowed: never in production.
SSP_DEMO_ALLOWED = env_bool("SSP_DEMO_ALLOWED", DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # In-process tasks would log each run into the server's console.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Each oddity of an uploaded PDF; a PDF that does not parse is logged by ssp_portal.file_checks.
        "pypdf": {"level": "ERROR"},
    },
}
