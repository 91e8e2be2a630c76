"""Settings for Powens Connectors Admin, read from the environment (see .env.example).

One module for every environment: ``DJANGO_ENV`` says which rules apply. ``production`` (the
default, so a forgotten variable fails safe) refuses insecure values at import time;
``development`` (``make run``) and ``test`` (``make test``) allow local defaults.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from accounts.oidc.claims import parse_role_map
from connectors_ui.domains.config import DomainConfigError, domains_from_env
from powens_admin.audit_keys import INSECURE_DEV_AUDIT_KEY, audit_key_id_choose, audit_keys_parse
from powens_admin.jobs import heartbeat_timeout_check, periodic_jobs, tasks_setting
from powens_admin.logging_config import json_logging
from powens_admin.security import (
    CONTENT_SECURITY_POLICY,
    INSECURE_DEV_SECRET_KEY,
    INSECURE_DEV_WEBHOOK_KEY,
    production_refuse_unsafe,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Tests are hermetic: a developer's .env (say, pointing at a real Powens domain) never leaks in.
if (BASE_DIR / ".env").is_file() and os.environ.get("DJANGO_ENV") != "test":
    env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="production")
if DJANGO_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be production, development or test.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Powens -------------------------------------------------------------------------------
# No POWENS_API_URL and no POWENS_DOMAIN: the embedded sandbox answers, in-process.
POWENS_DOMAIN = env.str("POWENS_DOMAIN", default="")
POWENS_API_URL = env.str("POWENS_API_URL", default="")
# Several domains (connectors_ui.domains.config): names here, each described by POWENS_<NAME>_*.
try:
    POWENS_DOMAINS = domains_from_env(env.list("POWENS_DOMAINS", default=[]), os.environ)
except DomainConfigError as error:
    raise ImproperlyConfigured(str(error)) from None
if POWENS_DOMAINS and (POWENS_DOMAIN or POWENS_API_URL):
    raise ImproperlyConfigured("Set POWENS_DOMAINS or POWENS_DOMAIN / POWENS_API_URL, not both.")
POWENS_SANDBOX = not (POWENS_DOMAIN or POWENS_API_URL or POWENS_DOMAINS)
# The single domain's kind (sandbox / production); empty: sandbox when its name says so.
POWENS_DOMAIN_KIND = env.str("POWENS_DOMAIN_KIND", default="")
# Upstream calls per minute per domain, shared by every process (connectors_ui.domains.budget);
# unset: 30 for a sandbox domain (Powens' published limit), no limit for production.
POWENS_CALLS_PER_MINUTE = env.int("POWENS_CALLS_PER_MINUTE", default=None)
# A call over budget waits at most this long for its turn, else is refused with a message.
POWENS_BUDGET_MAX_WAIT = env.float("POWENS_BUDGET_MAX_WAIT", default=5.0)
# Named here so that the client imports no model: builds a domain's budget (or None).
POWENS_BUDGET = "connectors_ui.domains.budget.budget_for"
# The embedded sandbox's domains (no Powens settings): a sandbox and a production, the first
# the default.
POWENS_SANDBOX_DOMAINS = ["demo-sandbox", "demo-production"]
POWENS_SANDBOX_BASE_URL = "http://sandbox.powens.invalid/2.0"
# The requests transport adapter that answers POWENS_SANDBOX_BASE_URL in-process.
POWENS_SANDBOX_TRANSPORT = "sandbox.transport.SandboxAdapter"
if POWENS_API_URL:
    POWENS_BASE_URL = POWENS_API_URL.rstrip("/")
elif POWENS_DOMAIN:
    POWENS_BASE_URL = f"https://{POWENS_DOMAIN}.biapi.pro/2.0"
else:
    POWENS_BASE_URL = POWENS_SANDBOX_BASE_URL
# The token the sandbox expects on writes; a documented development default.
POWENS_SANDBOX_TOKEN = env.str("POWENS_SANDBOX_TOKEN", default="sandbox-config-token")
# Calls per minute per client the sandbox allows before 429 (0: no limit; Powens: 30).
POWENS_SANDBOX_RATE_LIMIT = env.int("POWENS_SANDBOX_RATE_LIMIT", default=0)
POWENS_CONFIG_TOKEN = env.str(
    "POWENS_CONFIG_TOKEN", default=POWENS_SANDBOX_TOKEN if POWENS_SANDBOX else ""
)
POWENS_CONNECT_TIMEOUT = env.float("POWENS_CONNECT_TIMEOUT", default=3.05)
POWENS_READ_TIMEOUT = env.float("POWENS_READ_TIMEOUT", default=20.0)
POWENS_MAX_RETRIES = env.int("POWENS_MAX_RETRIES", default=2)
POWENS_ALLOW_SANDBOX = env.bool("POWENS_ALLOW_SANDBOX", default=False)
# How old the local catalogue copy may get before a background refresh (seconds).
CATALOGUE_REFRESH_INTERVAL = env.int("CATALOGUE_REFRESH_INTERVAL", default=600)
# Internal knobs (not from the environment), declared here so no module hides a default:
# whether a page finding the copy stale queues a refresh for the worker ("worker", or "off":
# tests refresh explicitly); how long after a failed refresh the next one may start
# (seconds); how long a refresh may hold the lease before it counts as crashed (seconds); how
# young a pending audit intent may still be in flight (our Powens timeouts are ~25 s: seconds).
CATALOGUE_AUTO_REFRESH = "off" if DJANGO_ENV == "test" else "worker"
CATALOGUE_RETRY_AFTER = 60
CATALOGUE_REFRESH_LEASE = 300
AUDIT_IN_FLIGHT_SECONDS = 120
# Refused attempts of one account from one address: this many per window (seconds) are
# recorded in full, the rest counted and summarised in one entry (audit.flood).
AUDIT_REFUSAL_BURST = env.int("AUDIT_REFUSAL_BURST", default=10)
AUDIT_REFUSAL_WINDOW = env.int("AUDIT_REFUSAL_WINDOW", default=300)
if AUDIT_REFUSAL_BURST < 1 or AUDIT_REFUSAL_WINDOW < 1:
    raise ImproperlyConfigured("AUDIT_REFUSAL_BURST and AUDIT_REFUSAL_WINDOW must be 1 or more.")
# Batches above this many connectors require typing the count to confirm.
BATCH_CONFIRM_THRESHOLD = env.int("BATCH_CONFIRM_THRESHOLD", default=20)
# Connectors per PATCH call when a batch is large.
BATCH_CHUNK_SIZE = env.int("BATCH_CHUNK_SIZE", default=500)

# --- Background work (worker/) ------------------------------------------------------------
# Tasks wait in the database for `manage.py run_worker` (django-tasks-db), on SQLite and
# PostgreSQL alike. Tests run them at once, in-process (the framework's immediate backend),
# unless a test switches to the database backend and drives the worker itself (its worker
# processes get TASKS_QUEUE=database).
TASKS_QUEUE = env.str("TASKS_QUEUE", default="immediate" if DJANGO_ENV == "test" else "database")
TASKS = tasks_setting(TASKS_QUEUE)
# A worker beats every WORKER_HEARTBEAT_SECONDS; one silent for WORKER_HEARTBEAT_TIMEOUT
# seconds is dead (pages and /health/ say so; its running task is marked failed).
WORKER_HEARTBEAT_SECONDS = 5
# How long a process's pages reuse the worker status of their banner (worker.status).
WORKER_STATUS_PAGE_SECONDS = env.int("WORKER_STATUS_PAGE_SECONDS", default=10)
WORKER_HEARTBEAT_TIMEOUT = heartbeat_timeout_check(
    env.int("WORKER_HEARTBEAT_TIMEOUT", default=60), WORKER_HEARTBEAT_SECONDS
)
# Finished task results are deleted after this many days (worker.tasks.worker_housekeeping).
WORKER_RESULTS_KEEP_DAYS = env.int("WORKER_RESULTS_KEEP_DAYS", default=7)
# Jobs the worker enqueues once per slot of every_seconds (powens_admin.jobs, worker.periodic).
PERIODIC_JOBS = periodic_jobs(drift_check_seconds=env.int("DRIFT_CHECK_SECONDS", default=3600))

# --- Governance (governance/): four eyes and scheduled changes ------------------------------
# Per Powens domain (its name; "sandbox" for the embedded one): "approval" makes every change a
# request another editor or an admin must approve; "direct" (the default) applies at once.
# From the environment as "mycompany=approval,mycompany-sandbox=direct".
CHANGE_APPROVAL_POLICY: dict[str, str] = env.dict("CHANGE_APPROVAL_POLICY", default={})
if set(CHANGE_APPROVAL_POLICY.values()) - {"approval", "direct"}:
    raise ImproperlyConfigured('CHANGE_APPROVAL_POLICY values must be "approval" or "direct".')
# Hours a change request stays open for approval (and then for applying) before it expires.
CHANGE_REQUEST_TTL_HOURS = env.int("CHANGE_REQUEST_TTL_HOURS", default=72)
if CHANGE_REQUEST_TTL_HOURS < 1:
    raise ImproperlyConfigured("CHANGE_REQUEST_TTL_HOURS must be 1 or more.")

# --- Audit log ----------------------------------------------------------------------------
# The keys that sign audit records and checkpoints (HMAC-SHA256), "kid:secret,kid2:secret2":
# keys stay listed after a rotation so older records keep verifying; AUDIT_KEY_ID (default:
# the last listed) signs new ones. They live only here, never in the database: someone who can
# write to it but lacks a key cannot forge a record (powens_admin.audit_keys).
AUDIT_KEYS = audit_keys_parse(
    env.list("AUDIT_KEYS", default=[] if PRODUCTION else [INSECURE_DEV_AUDIT_KEY]),
    production=PRODUCTION,
)
AUDIT_KEY_ID = audit_key_id_choose(env.str("AUDIT_KEY_ID", default=""), AUDIT_KEYS)
# One signed line per append is added to a file here (audit.checkpoints): a head kept outside
# the database. In production it is required (ship it to write-once storage, see README).
_checkpoint_dir = env.str("AUDIT_CHECKPOINT_DIR", default="")
AUDIT_CHECKPOINT_DIR = (
    Path(_checkpoint_dir) if _checkpoint_dir else BASE_DIR / "var" / "audit-checkpoints"
)
# The PostgreSQL role the app connects as, when `migrate` runs as another one (the tables'
# owner): migrate then grants it what it needs, and only SELECT/INSERT on the audit tables
# (audit.db_roles).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")

# --- Webhooks and audit streaming (notify) ------------------------------------------------
# Encrypts webhook signing secrets at rest (they must stay usable to sign, so not hashed):
# any long random string. Changing it makes stored secrets unreadable (rotate them after).
WEBHOOK_ENCRYPTION_KEY = env.str(
    "WEBHOOK_ENCRYPTION_KEY", default="" if PRODUCTION else INSECURE_DEV_WEBHOOK_KEY
)
# The dashboard's public address, for the links webhook messages carry.
DASHBOARD_URL = env.str("DASHBOARD_URL", default="http://localhost:8000")
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Tries before a message is dead-lettered; waits double from the base up to the cap (jittered).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_BACKOFF_BASE_SECONDS = env.float("WEBHOOK_BACKOFF_BASE_SECONDS", default=30.0)
WEBHOOK_BACKOFF_MAX_SECONDS = env.float("WEBHOOK_BACKOFF_MAX_SECONDS", default=6 * 3600.0)
WEBHOOK_BATCH = 50  # messages one worker run tries
# Records one pull of the audit stream returns at most (``limit=``).
AUDIT_STREAM_MAX_LIMIT = 5000

# --- Django -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "accounts",
    "connectors_ui",
    "audit",
    "governance",
    "notify",
    "sandbox",
    "django_tasks_db",
    "worker",
]

MIDDLEWARE = [
    "connectors_ui.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages, fragments and CSV streams for clients that accept gzip; WhiteNoise
    # (above) answers static files itself, precompressed. BREACH: see connectors_ui.web.middleware.
    "django.middleware.gzip.GZipMiddleware",
    "connectors_ui.domains.middleware.DomainMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.sessions.SessionActivityMiddleware",
    "connectors_ui.web.middleware.CachePolicyMiddleware",
    # Names the signed-in user behind account and role changes (accounts.events).
    "accounts.actor.ActorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "connectors_ui.web.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "powens_admin.urls"
WSGI_APPLICATION = "powens_admin.wsgi.application"

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
                "django.template.context_processors.csp",
                "connectors_ui.web.context_processors.dashboard",
                "connectors_ui.domains.context_processors.domains_context",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: IMMEDIATE serialises writers, WAL lets readers go on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    )
else:
    # A server database: keep each worker thread's connection between requests (a new one
    # per request, with its password handshake, was most of a page's time on PostgreSQL),
    # checked before reuse so a restarted server costs one retry, not an error page. Tests
    # keep one per request: their live servers and child processes must leave none open.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int(
        "DATABASE_CONN_MAX_AGE", default=0 if DJANGO_ENV == "test" else 60
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Per-process memory for cheap hints (health probe); the database for what every worker
# process must share (failed sign-in counts). ``migrate`` creates the table.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "throttle_cache",
        # Past MAX_ENTRIES the cache evicts live keys in key order, locks included: at the
        # default 300, some 190 failed sign-ins from other addresses lifted a lock. Expired
        # keys go first, so this bounds the table and keeps every lock of a 15-minute window.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DJANGO_ENV == "test":
    # The default hasher is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# --- Sign-in: local passwords and/or the company's OpenID Connect provider (accounts.oidc) ---
# No OIDC_ISSUER: no single sign-on, local password accounts only (as before).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
# Secret (never shown or logged); may stay empty for a public client (PKCE alone).
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# The login page's button: "Sign in with <name>".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your identity provider")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
# The claim listing the user's groups or roles at the provider (a dotted path reaches into a
# nested one, e.g. realm_access.roles), and which of its values give which of our roles.
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="groups")
try:
    OIDC_ROLE_MAP = parse_role_map(env.str("OIDC_ROLE_MAP", default=""))
except ValueError as error:
    raise ImproperlyConfigured(f"OIDC_ROLE_MAP: {error}") from error
# Internal knob: (connect, read) seconds for every call to the provider.
OIDC_TIMEOUT = (3.05, 10.0)
# false: no password form, and no password sign-in anywhere (Django admin's form included).
LOCAL_PASSWORD_LOGIN = env.bool("LOCAL_PASSWORD_LOGIN", default=True)
if OIDC_ISSUER and not OIDC_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_ISSUER is set: set OIDC_CLIENT_ID too.")
if not (OIDC_ISSUER or LOCAL_PASSWORD_LOGIN):
    raise ImproperlyConfigured(
        "LOCAL_PASSWORD_LOGIN=false needs OIDC_ISSUER: otherwise nobody could sign in."
    )
# A backend that is not listed also ends the sessions it opened: switching password sign-in
# off signs out everyone who signed in with a password. The local one counts failed
# sign-ins (accounts.throttle); see CACHES["throttle"].
AUTHENTICATION_BACKENDS = [
    *(["accounts.oidc.backend.OidcBackend"] if OIDC_ISSUER else []),
    *(["accounts.throttle.ThrottledModelBackend"] if LOCAL_PASSWORD_LOGIN else []),
]
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=5)
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", default=900)
LOGIN_THROTTLE_LOCKOUT = env.int("LOGIN_THROTTLE_LOCKOUT", default=900)
# Failures from one address, across usernames, that lock the address out (same window).
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=20)
# Proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
# The throttle then keys on the address the outermost one saw, not on the proxy's own.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Paths, not URL names: a page under /d/<domain>/ reverses names under that prefix, and the
# sign-in page (with the identity provider's callback it starts) is no domain's.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sessions expire after this many seconds of inactivity, give or take SESSION_TOUCH_AFTER
# (an internal knob): a signed-in session is saved again, moving its expiry, only when its last
# save is that old (accounts.sessions), not on every request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_TOUCH_AFTER = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
# The zone pages show times in (a user may choose another on the schedule form); stored in UTC.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# The two domains the scheduled drift check compares, "source,target" (connectors_ui.catalogue.
# drift); "off": no check; empty: the first sandbox and first production domain, when there are
# both. A name no domain has stops start-up (checked once the domains are known).
DRIFT_PAIR: tuple[str, ...] = tuple(env.list("DRIFT_PAIR", default=[]))

# Absolute: a page under /d/<domain>/ sets that as its script prefix (connectors_ui.domains).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production whitenoise serves straight from static/: no collectstatic needed.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if not PRODUCTION
        else "powens_admin.static_storage.StaticStorage"
    },
}

# --- Security headers ---------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CSP = CONTENT_SECURITY_POLICY
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain HTTP inside the network and treat a redirect as down.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    # Only a proxy of ours sets X-Forwarded-Proto; without one the client would be telling
    # Django the connection is HTTPS (no redirect, "secure" requests over plain HTTP).
    if TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One JSON object per line (powens_admin.logging_config), secrets scrubbed, request id attached.
LOGGING = json_logging(env.str("LOG_LEVEL", default="INFO"))

# --- Production refuses to start on unsafe settings ---------------------------------------
if PRODUCTION:
    production_refuse_unsafe(globals())
