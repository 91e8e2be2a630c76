"""The ``LOGGING`` setting: one JSON object per line (connectors_ui.web.request_log), secrets
scrubbed, request id attached."""

from typing import Any


def json_logging(level: str) -> dict[str, Any]:
    """Every line through the root's JSON handler, and only through it, at ``level``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "connectors_ui.web.request_log.RequestIdFilter"}},
        "formatters": {"json": {"()": "connectors_ui.web.request_log.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's defaults give "django" plain-text handlers (console under DEBUG,
        # mail_admins) and "django.server" its own with propagate off: both are replaced here.
        "loggers": {
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            # Our RequestLogMiddleware writes the one line per request; runserver's would
            # repeat it. Its warnings (4xx/5xx, malformed requests) stay, as JSON.
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }
