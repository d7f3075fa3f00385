"""JamPortal settings.

One module for every environment: each knob is an environment variable with a
safe development default (see `.env.example`). Production differs only by the
environment it is given.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def whole_number(name, *, default, least=0):
    """A setting that is a whole number of at least `least`, or a message that names it
    and says what it must be (env.int stopped the site with a bare ValueError)."""
    text = env.str(name, default=str(default)).strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or int(text) < least:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {least}, not {text!r}.")
    return int(text)


# Off unless asked for (DJANGO_DEBUG=true: make run, the tests): a server started
# without its settings shows no tracebacks and refuses to run on a known key.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The address people reach the site at, used in emails and calendar UIDs.
SITE_URL = env("JAMPORTAL_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "jamportal.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the form renderer below
    "allauth",
    "allauth.account",
    "django_countries",
    "leaflet",
    "csp",
    "jamportal.accounts",
    "jamportal.places",
    "jamportal.jams",
    "jamportal.kits",
    "jamportal.feed",
    "jamportal.attendance",
    "jamportal.public_api",
    "jamportal.embeds",
    "jamportal.alerts",  # --- alerts ---
    "jamportal.imports",  # imports
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT in production (runserver serves them in development).
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if not DEBUG else []),
    "jamportal.middleware.permissions_policy",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jamportal.middleware.private_when_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# (The load test adds the smallest possible view beside the site: bench/load_urls.py.)
ROOT_URLCONF = env("JAMPORTAL_ROOT_URLCONF", default="jamportal.urls")
# Form fields may use our templates too (jamportal/templates/includes/honeypot.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "jamportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jamportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jamportal.context_processors.languages",
            ],
            "builtins": ["jamportal.templatetags", "jamportal.cldr.tags"],
        },
    },
]

# SQLite by default; DATABASE_URL=postgres://user:pass@host:port/name in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Each web process keeps its connection (checked before reuse, without a round trip:
# jamportal/postgres) instead of opening one per
# request: for PostgreSQL a new connection is a new server process, which cost more than
# most pages' own queries (make load: a map view nobody asked for before, 13x the minimal view).
DATABASES["default"]["CONN_MAX_AGE"] = whole_number("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "jamportal.postgres"  # the same, its check without a round trip
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker process in the integration
    # tests can read what the test wrote.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".tmp" / "test-db.sqlite3")}
    # A writer waits up to 20 s for another's lock (Python's default is 5 s): sign-ups for
    # one Jam queue behind its sheet's lock, on a busy machine longer than five seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: organisers sign in with their email address, which they must verify.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# allauth signs people in on confirming only while their sign-up waits in the browser
# that made it, 15 minutes by default: people read the email later (or the next day),
# so it waits as long as the link is valid.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGIN_TIMEOUT = ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 24 * 60 * 60
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[JamPortal] "
ACCOUNT_ADAPTER = "jamportal.accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Bots fill every field; people never see this one (allauth then pretends the sign-up worked).
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_FORMS = {"signup": "jamportal.accounts.forms.SignupForm", "login": "jamportal.accounts.forms.LoginForm"}
# allauth's limits (its defaults, written out): failed logins lock an address
# for five minutes after five tries; sign-ups per address.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key", "signup": "20/m/ip,50/h/ip"}

LANGUAGE_CODE = "en"
# Each language is named in itself: that is how the language switcher shows it.
LANGUAGES = [
    ("en", "English"),
    ("cy", "Cymraeg"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt-br", "Português (Brasil)"),
    ("fa", "فارسی"),
    ("ja", "日本語"),
    ("zh-hant", "繁體中文"),
]
# locale/: our catalogues, kept in sync with the code by makemessages.
# locale-extra/: hand-kept translations of third-party strings our pages show
# in languages those packages do not ship (django-allauth has no Welsh).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-extra"]
LANGUAGE_COOKIE_NAME = "jamportal_language"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The offline gazetteer's index, built from PyPI data on first use (manage.py build_gazetteer).
PLACES_INDEX = env.path("JAMPORTAL_PLACES_INDEX", default=BASE_DIR / "var" / "gazetteer.sqlite3")

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Also the few files of npm packages that pages use (the maps' base layer), from node_modules.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "jamportal.staticfinders.NodeModulesFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Static files: served by whitenoise from STATIC_ROOT (after collectstatic),
# compressed and with hashed names that may be cached for ever, when DEBUG is off.
STATIC_FILES_BACKEND = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
# Photos nobody but their organiser and moderators may see (hidden, reported,
# waiting for approval) are moved out of MEDIA_ROOT into this folder, which no
# web server serves: the portal hands them out after checking who asks.
PRIVATE_MEDIA_ROOT = env.path("JAMPORTAL_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private-media")
# Uploaded photos and rendered posters: local folders, or any S3-compatible
# bucket (django-storages) when JAMPORTAL_S3_BUCKET is set. "default" is public
# (served by nginx or the bucket); "private" never is (feed/files.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": STATIC_FILES_BACKEND},
}
if env("JAMPORTAL_S3_BUCKET", default=""):
    _s3 = {
        "bucket_name": env("JAMPORTAL_S3_BUCKET"),
        "endpoint_url": env("JAMPORTAL_S3_ENDPOINT_URL", default=None),
        "region_name": env("JAMPORTAL_S3_REGION", default=None),
        "access_key": env("JAMPORTAL_S3_ACCESS_KEY", default=None),
        "secret_key": env("JAMPORTAL_S3_SECRET_KEY", default=None),
    }
    # Public objects are readable through the bucket's policy (photos/*, posters/*);
    # private/* is not, and the portal reads it with its own keys (docs/deployment.md).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        # "no-cache": a CDN or browser asks again each time, so a hidden photo is gone at once.
        "OPTIONS": {
            **_s3,
            "default_acl": None,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, no-cache"},
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private", "default_acl": "private", "querystring_auth": True},
    }

# EMAIL_URL: consolemail:// (default), smtp+tls://user:pass@host:587, filemail:///dir
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="JamPortal <noreply@jamportal.localhost>")

# Who sends the birthday kits: printed as the sender on address labels, packing slips and
# customs declarations (CN 22). Lines separated by "|"; the default is the demo's.
KIT_SENDER_ADDRESS = [
    line.strip()
    for line in env(
        "JAMPORTAL_KIT_SENDER_ADDRESS",
        default="JamPortal kit team|1 Station Road|Cambridge CB1 2JW|United Kingdom",
    ).split("|")
    if line.strip()
]
if len(KIT_SENDER_ADDRESS) < 2:  # a customs form needs a name and an address
    raise ImproperlyConfigured(
        "JAMPORTAL_KIT_SENDER_ADDRESS must be the sender's name and address, lines separated by |, "
        "as in 'Kit team|1 Station Road|Cambridge CB1 2JW|United Kingdom'."
    )

# Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, Django's default) wait in files
# of this folder of their own (made if missing) while a request handles them;
# what a killed process leaves there is removed after an hour (feed/uploads.py).
FILE_UPLOAD_TEMP_DIR = env.path("JAMPORTAL_UPLOAD_TEMP_DIR", default=BASE_DIR / "var" / "uploads")
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "jamportal.feed.uploads.OwnFolderUploadHandler",
]

# Booth photos: the largest upload, the most pixels (a decompression bomb is
# refused), and how many posts a booth may make in a minute.
PHOTO_MAX_BYTES = whole_number("JAMPORTAL_PHOTO_MAX_BYTES", default=25_000_000, least=1)
PHOTO_MAX_PIXELS = whole_number("JAMPORTAL_PHOTO_MAX_PIXELS", default=40_000_000, least=1)
PHOTO_UPLOADS_PER_MINUTE = whole_number("JAMPORTAL_PHOTO_UPLOADS_PER_MINUTE", default=30, least=1)
# Boomerangs (animated uploads): the most frames, and the most pixels in all frames together
# (what a worker holds decoded at once: 60 million pixels is 180 MB; a booth's default
# boomerang, 18 frames of 1280 x 720, is 17 million).
PHOTO_MAX_FRAMES = whole_number("JAMPORTAL_PHOTO_MAX_FRAMES", default=60, least=2)
PHOTO_MAX_ANIMATION_PIXELS = whole_number("JAMPORTAL_PHOTO_MAX_ANIMATION_PIXELS", default=60_000_000, least=1)
# Other limits against floods: new Jams an organiser may create in an hour, and
# photo reports one address may send in an hour (each hides a photo at once).
JAMS_CREATED_PER_HOUR = whole_number("JAMPORTAL_JAMS_CREATED_PER_HOUR", default=10, least=1)
PHOTO_REPORTS_PER_HOUR = whole_number("JAMPORTAL_PHOTO_REPORTS_PER_HOUR", default=10, least=1)
# How many proxies in front of the site append to X-Forwarded-For (0: none, use the connection's address).
TRUSTED_PROXIES = whole_number("JAMPORTAL_TRUSTED_PROXIES", default=0)

# CACHE_URL: locmemcache:// (default, per process) or redis://127.0.0.1:6379/1 (shared).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "jamportal.cache.RedisCache"  # one client per pool (jamportal/cache.py)
# Parts of pages that change only with the language and the deployment (the menu, the
# footer, the map's scripts), each web process keeping its own: no round trip at all.
CACHES["fragments"] = {
    "BACKEND": "jamportal.cache.ProcessMemoryCache",  # text kept as it is: no pickling
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Each Jam's line in the near-me list, per language (jams.views._near_items): kept
# apart so that a hundred thousand Jams do not push the fragments above out.
CACHES["jam_items"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",  # (map features too: dicts, pickled)
    "LOCATION": "jam_items",
    "OPTIONS": {"MAX_ENTRIES": 50_000},
}

# Celery runs tasks in-process (eagerly) until a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "anonymise-kit-addresses": {"task": "kits.anonymise_addresses", "schedule": 24 * 3600},
    "remind-organisers": {"task": "jams.remind_organisers", "schedule": 3600},
    "nudge-kit-receipts": {"task": "kits.nudge_receipts", "schedule": 24 * 3600},
    "remove-stale-uploads": {"task": "feed.remove_stale_uploads", "schedule": 3600},
    "remind-attendees": {"task": "attendance.remind_attendees", "schedule": 3600},
    "anonymise-attendees": {"task": "attendance.anonymise_attendees", "schedule": 24 * 3600},
    "ask-for-jam-reports": {"task": "attendance.ask_for_reports", "schedule": 3600},
    "expire-alert-requests": {"task": "alerts.expire_requests", "schedule": 3600},  # --- alerts ---
    "extend-jam-series": {"task": "jams.extend_series", "schedule": 24 * 3600},  # series
}
# Attendees' names, email addresses and needs are forgotten this many days after their
# Jam ends (attendance.anonymise_attendees, daily); the figures stay for the reports.
ATTENDEE_DATA_DAYS = whole_number("JAMPORTAL_ATTENDEE_DATA_DAYS", default=30, least=1)
# Sign-ups one network address may send in an hour (a school or a library may put many
# families behind one), and one email address (the load
# test raises the first: all its visitors come from 127.0.0.1).
SIGNUPS_PER_ADDRESS_PER_HOUR = whole_number("JAMPORTAL_SIGNUPS_PER_ADDRESS_PER_HOUR", default=60, least=1)
SIGNUPS_PER_EMAIL_PER_HOUR = whole_number("JAMPORTAL_SIGNUPS_PER_EMAIL_PER_HOUR", default=5, least=1)
# A change to a campaign's Jams rebuilds its posters this many seconds later, once
# for every change made meanwhile (jams/posters.py).
POSTER_BUILD_DELAY = whole_number("JAMPORTAL_POSTER_BUILD_DELAY", default=10)

# Map tiles: from one tile server (JAMPORTAL_TILES_URL, with its credit line in
# JAMPORTAL_TILES_ATTRIBUTION), drawn over our own base map of country outlines
# (static/js/leaflet_maps.js; Natural Earth data from the world-atlas package), which
# alone keeps the map readable offline or when the tile server refuses us. An empty
# JAMPORTAL_TILES_URL turns tiles off: then only the base map draws.
TILES_URL = env("JAMPORTAL_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png").strip()
if TILES_URL and (
    urlsplit(TILES_URL).scheme not in ("http", "https") or not all(part in TILES_URL for part in ("{z}", "{x}", "{y}"))
):
    raise ImproperlyConfigured(
        "JAMPORTAL_TILES_URL must be an http(s) address with {z}, {x} and {y} in it, as in "
        f"'https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png', or empty for no tiles; not {TILES_URL!r}."
    )
# The default credit is in the page's language.
TILES_ATTRIBUTION = env("JAMPORTAL_TILES_ATTRIBUTION", default="") or format_lazy(
    '&copy; <a href="https://www.openstreetmap.org/copyright">{}</a>', _("OpenStreetMap contributors")
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (20.0, 0.0),
    "DEFAULT_ZOOM": 2,
    "MIN_ZOOM": 1,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "TILES": [(_("Map"), TILES_URL, {"attribution": TILES_ATTRIBUTION})] if TILES_URL else [],
    # Leaflet's own credit, with its title in the page's language (the zoom buttons'
    # titles are translated in static/js/leaflet_maps.js).
    "ATTRIBUTION_PREFIX": format_lazy(
        '<a href="https://leafletjs.com" title="{}">Leaflet</a>', _("A JavaScript library for interactive maps")
    ),
}

# Production hardening: on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer checks each node directly, over plain HTTP: a redirect is not a 200.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
# Cookies only over HTTPS; `make serve` turns this off for plain HTTP on loopback.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = whole_number("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"


# Content-Security-Policy: our own scripts and styles only, never inline ones (maps
# start from static/js/leaflet_maps.js); images also from the map's tile server
# and, when media live in a bucket, from there.
def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}" if parts.scheme in ("http", "https") else None


CSP_IMAGE_HOSTS = [
    origin
    for origin in (
        _origin(TILES_URL),
        _origin(env("JAMPORTAL_S3_ENDPOINT_URL", default="")),
        *env.list("JAMPORTAL_CSP_IMAGE_HOSTS", default=[]),  # a CDN in front of the media, for example
    )
    if origin
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *CSP_IMAGE_HOSTS],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features no page uses are switched off; "Use my location" needs geolocation here.
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "jamportal.logs.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("JAMPORTAL_LOG_FORMAT", default="plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every step of a PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Errors to Sentry when SENTRY_DSN is set (no personal data sent).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# --- public read API (jamportal/public_api) ---
# Requests one network address may make to /api/v1/ in a minute (then 429 with Retry-After).
# The site's own map reads it too, a request each time a visitor pans: a classroom of thirty
# behind one school address panning together asks a few hundred times a minute.
PUBLIC_API_REQUESTS_PER_MINUTE = whole_number("JAMPORTAL_PUBLIC_API_REQUESTS_PER_MINUTE", default=600, least=1)

# --- embeds ---
# Who may frame the embeds (/embed/..., jamportal/embeds), as CSP frame-ancestors sources:
# any site by default (schools, libraries, clubs); every other page is never framed.
EMBED_FRAME_ANCESTORS = env.list("JAMPORTAL_EMBED_FRAME_ANCESTORS", default=["*"])

# --- contact ---
INSTALLED_APPS += ["jamportal.contact"]
# Messages to a Jam's organisers (jamportal/contact): how many one network address (a
# school or a library may put many people behind one) and one sender's email address
# may send, per hour and per day, across all Jams.
CONTACT_PER_ADDRESS_PER_HOUR = whole_number("JAMPORTAL_CONTACT_PER_ADDRESS_PER_HOUR", default=20, least=1)
CONTACT_PER_ADDRESS_PER_DAY = whole_number("JAMPORTAL_CONTACT_PER_ADDRESS_PER_DAY", default=60, least=1)
CONTACT_PER_EMAIL_PER_HOUR = whole_number("JAMPORTAL_CONTACT_PER_EMAIL_PER_HOUR", default=3, least=1)
CONTACT_PER_EMAIL_PER_DAY = whole_number("JAMPORTAL_CONTACT_PER_EMAIL_PER_DAY", default=10, least=1)
# Messages nobody reported are forgotten this many days after they were sent (the
# organiser has them in their inbox); reported ones stay for staff.
CONTACT_MESSAGE_DAYS = whole_number("JAMPORTAL_CONTACT_MESSAGE_DAYS", default=30, least=1)
CELERY_BEAT_SCHEDULE["forget-contact-messages"] = {"task": "contact.forget_messages", "schedule": 24 * 3600}

# --- alerts ---
# Jam alerts (jamportal/alerts): a request not confirmed by its emailed link within this
# many hours is deleted; the requests one network address may send in an hour, the
# confirmation emails one email address may be sent in a day, and the alerts it may
# hold; the demand map leaves out every area with fewer people than the threshold.
ALERT_CONFIRM_HOURS = whole_number("JAMPORTAL_ALERT_CONFIRM_HOURS", default=48, least=1)
ALERTS_PER_ADDRESS_PER_HOUR = whole_number("JAMPORTAL_ALERTS_PER_ADDRESS_PER_HOUR", default=20, least=1)
ALERT_EMAILS_PER_ADDRESS_PER_DAY = whole_number("JAMPORTAL_ALERT_EMAILS_PER_ADDRESS_PER_DAY", default=3, least=1)
ALERTS_PER_EMAIL = whole_number("JAMPORTAL_ALERTS_PER_EMAIL", default=5, least=1)
ALERTS_DEMAND_THRESHOLD = whole_number("JAMPORTAL_ALERTS_DEMAND_THRESHOLD", default=5, least=2)

# --- imports ---
# Calendars organisers import their Jams from (jamportal/imports/fetching.py): at most
# this many bytes, read within this many seconds in all, with at most this many events.
IMPORT_MAX_BYTES = whole_number("JAMPORTAL_IMPORT_MAX_BYTES", default=2_000_000, least=1)
IMPORT_TIMEOUT = whole_number("JAMPORTAL_IMPORT_TIMEOUT", default=10, least=1)
IMPORT_MAX_EVENTS = whole_number("JAMPORTAL_IMPORT_MAX_EVENTS", default=500, least=1)
# Calendars one organiser may have read by hand (adding one, "Sync now") in an hour:
# each read may hold a web process for IMPORT_TIMEOUT seconds.
IMPORT_FETCHES_PER_HOUR = whole_number("JAMPORTAL_IMPORT_FETCHES_PER_HOUR", default=20, least=1)
# Only the tests read calendars from this machine itself (127.0.0.1): never in production.
IMPORT_ALLOW_LOOPBACK = env.bool("JAMPORTAL_IMPORT_ALLOW_LOOPBACK", default=False)
CELERY_BEAT_SCHEDULE["sync-calendars"] = {"task": "imports.sync_sources", "schedule": 3600}
# --- end imports ---
