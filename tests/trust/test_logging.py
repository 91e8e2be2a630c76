"""Structured logs: one JSON line per request and per Powens call, with the request id."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

from connectors_ui.powens import get_client
from connectors_ui.web.request_log import JsonFormatter, RequestIdFilter, current_request_id


def formatted(records: list[logging.LogRecord]) -> list[dict]:
    """The JSON objects our production handler would write for these records."""
    formatter, request_id = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in records:
        request_id.filter(record)
        text = formatter.format(record)
        assert "\n" not in text
        lines.append(json.loads(text))
    return lines


def request_lines(caplog) -> list[dict]:
    return formatted([r for r in caplog.records if r.name == "connectors_ui.request"])


def test_one_line_per_request_with_id_user_status_duration(viewer_client, viewer_user, caplog):
    caplog.set_level(logging.INFO)
    response = viewer_client.get("/connectors/?q=secret-search-term&page=1")
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user"] == viewer_user.username
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["path"] == "/connectors/"
    assert isinstance(line["duration_ms"], float)
    # The query string (search terms, filters) stays out of the log.
    assert "secret-search-term" not in json.dumps(line)


def test_anonymous_redirect_and_static_files_are_logged_too(anon_client, caplog):
    caplog.set_level(logging.INFO)
    anon_client.get("/connectors/")
    anon_client.get("/static/css/app.css")
    lines = request_lines(caplog)
    assert [(x["path"], x["status"], x["user"]) for x in lines] == [
        ("/connectors/", 302, "-"),
        ("/static/css/app.css", 200, "-"),
    ]


def test_a_sane_incoming_request_id_is_kept(viewer_client):
    response = viewer_client.get("/connectors/", HTTP_X_REQUEST_ID="lb-1234abcd.ef:56")
    assert response["X-Request-ID"] == "lb-1234abcd.ef:56"
    assert response.wsgi_request.request_id == "lb-1234abcd.ef:56"


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "short",
        "x" * 65,
        "has space 123456",
        'quote"1234567',
        "line\nbreak12345",
        "<script>1</>",
    ],
)
def test_an_insane_incoming_request_id_is_replaced(viewer_client, incoming):
    response = viewer_client.get("/connectors/", HTTP_X_REQUEST_ID=incoming)
    generated = response["X-Request-ID"]
    assert generated != incoming
    assert len(generated) == 32 and generated.isalnum()


def test_every_response_carries_a_distinct_request_id(viewer_client, anon_client):
    ids = {
        viewer_client.get("/connectors/")["X-Request-ID"],
        viewer_client.get("/connectors/")["X-Request-ID"],
        anon_client.get("/health/")["X-Request-ID"],
    }
    assert len(ids) == 3


def test_powens_call_line_has_method_path_status_duration_and_our_request_id(small_sandbox, caplog):
    caplog.set_level(logging.INFO, logger="powens.client")
    get_client.cache_clear()
    token = current_request_id.set("req-for-powens-1")
    try:
        get_client().update_connector(small_sandbox[0]["uuid"], hidden=True)
    finally:
        current_request_id.reset(token)
    [line] = formatted([r for r in caplog.records if r.name == "powens.client"])
    assert line["msg"].startswith(f"PUT /connectors/{small_sandbox[0]['uuid']} -> 200 in ")
    assert "request_id=" in line["msg"]
    assert line["powens_status"] == 200
    assert isinstance(line["powens_duration_ms"], int)
    assert line["request_id"] == "req-for-powens-1"
    assert settings.POWENS_CONFIG_TOKEN not in json.dumps(line)


def test_formatter_scrubs_secrets_and_keeps_tracebacks_on_one_line():
    token = settings.POWENS_CONFIG_TOKEN
    try:
        raise ValueError(f"boom with {token}\nand a second line")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "sent %s / Bearer %s / %s", None, sys.exc_info()
        )
    record.args = (token, "abc.def-ghi", settings.SECRET_KEY)
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert token not in text and settings.SECRET_KEY not in text and "abc.def-ghi" not in text
    line = json.loads(text)
    assert line["msg"] == "sent [redacted] / Bearer [redacted] / [redacted]"
    assert "ValueError: boom with [redacted]" in line["exc"]


@override_settings(SECURE_SSL_REDIRECT=True)
def test_an_answer_given_before_the_app_runs_is_logged_with_its_request_id(caplog):
    """The HTTPS redirect comes from SecurityMiddleware, before sessions, auth or any view:
    it still gets a request id and its log line (the request log wraps every other layer)."""
    caplog.set_level(logging.INFO)
    response = Client().get("/connectors/?q=x")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    [line] = request_lines(caplog)
    assert (line["status"], line["path"]) == (301, "/connectors/")
    assert line["request_id"] == response["X-Request-ID"]


# Run in a fresh process: the handlers under test are the ones ``django.setup()`` installs,
# writing to the real stderr (pytest's own capture would hide what they print).
SERVE_A_404 = """
import logging, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "powens_admin.settings"
django.setup()
from django.test import Client
response = Client().get("/no-such-page/")
print(response.status_code, response["X-Request-ID"], flush=True)
# What runserver logs for that request (propagate off in Django's defaults): a warning for
# a 4xx, and info lines that our middleware's line already covers.
logging.getLogger("django.server").warning('"GET /no-such-page/ HTTP/1.1" 404 179')
logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 5')
"""


@pytest.mark.parametrize("debug", ["false", "true"])
def test_a_404_under_runserver_writes_only_json_lines_with_its_request_id(debug):
    """Django logs 4xx/5xx on ``django.request`` after our middleware returned; under DEBUG its
    default console handler printed a plain "Not Found:" line, and runserver's warnings went
    to Python's last-resort handler as plain text."""
    env = {**os.environ, "DJANGO_ENV": "test", "DEBUG": debug}
    result = subprocess.run(
        [sys.executable, "-c", SERVE_A_404],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, request_id = result.stdout.split()
    assert status == "404"
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [line["logger"] for line in lines] == [
        "connectors_ui.request",
        "django.request",
        "django.server",
    ]
    assert [line.get("request_id") for line in lines[:2]] == [request_id, request_id]
    assert lines[1]["msg"] == "Not Found: /no-such-page/"
