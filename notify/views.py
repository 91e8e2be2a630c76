"""Admins' pages for webhooks (endpoints, delivery log with dead letters and redelivery) and
service tokens; the audit stream for a SIEM (a bearer token, no session) and the JSON Lines
export beside the audit CSV. A new secret or token is shown once, in the POST's own answer,
never stored by a cache."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, role_required
from connectors_ui.web.request_meta import request_meta_from
from notify import endpoints as services
from notify.forms import (
    DeliveryFilterForm,
    RedeliverForm,
    ServiceTokenForm,
    WebhookEndpointForm,
)
from notify.models import ServiceToken, WebhookEndpoint
from notify.refusals import NameTaken, RotationUnderWay
from notify.selectors import (
    service_token_list,
    webhook_dead_ids,
    webhook_endpoint_list,
    webhook_message_page,
)
from notify.streaming import StreamForm, audit_jsonl_export, audit_stream_page
from notify.tokens import (
    TokenRefused,
    service_token_authenticate,
    service_token_create,
    service_token_revoke,
)

admin_only = role_required(Role.ADMIN)


def _shown_once(request: HttpRequest, context: dict) -> HttpResponse:
    response = render(request, "notify/secret.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _list_with_form(
    request: HttpRequest,
    form: forms.Form,
    create: Callable[[], dict[str, Any]],
    page: tuple[str, dict[str, Any]],
) -> HttpResponse:
    """A list ``page`` (template, context) with its form; a valid POST is answered with what
    ``create`` made, shown once, unless its name is taken (a reload of that answer sends the
    form again): then the page says so on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            return _shown_once(request, create())
        except NameTaken as refused:
            form.add_error("name", str(refused))
    template, context = page
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
@admin_only
def webhooks(request: HttpRequest) -> HttpResponse:
    form = WebhookEndpointForm(request.POST or None)

    def add() -> dict[str, Any]:
        meta = request_meta_from(request)
        created = services.webhook_endpoint_create(
            actor=request.user, config=form.config(), request_meta=meta
        )
        return {"kind": "webhook", "endpoint": created.endpoint, "secret": created.secret}

    page = ("notify/webhooks.html", {"endpoints": webhook_endpoint_list()})
    return _list_with_form(request, form, add, page)


@require_http_methods(["GET", "POST"])
@admin_only
def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    form = WebhookEndpointForm.for_endpoint(endpoint, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.webhook_endpoint_update(
            actor=request.user, endpoint=endpoint, config=form.config(),
            request_meta=request_meta_from(request),
        )  # fmt: skip
        return redirect("notify:webhooks")
    context = {"form": form, "endpoint": endpoint}
    return render(request, "notify/webhook.html", context, status=400 if form.errors else 200)


@require_POST
@admin_only
def webhook_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Rotate the secret, drop the previous one, or delete the endpoint."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    meta = request_meta_from(request)
    if action not in ("rotate", "drop-previous", "delete"):
        raise Http404("No such action.")
    if action == "rotate":
        try:
            rotated = services.webhook_endpoint_rotate(
                actor=request.user, endpoint=endpoint, request_meta=meta
            )
        except RotationUnderWay as refused:
            messages.error(request, str(refused))
            return redirect("notify:webhook", pk=pk)
        return _shown_once(
            request,
            {"kind": "webhook", "endpoint": endpoint, "secret": rotated.secret, "rotated": True},
        )
    if action == "drop-previous":
        services.webhook_endpoint_drop_previous(
            actor=request.user, endpoint=endpoint, request_meta=meta
        )
        return redirect("notify:webhook", pk=pk)
    services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint, request_meta=meta)
    return redirect("notify:webhooks")


@require_GET
@admin_only
def deliveries(request: HttpRequest) -> HttpResponse:
    form = DeliveryFilterForm(request.GET)
    page = webhook_message_page(form.filters(), request.GET.get("page"))
    context = {"form": form, "page": page, "endpoints": WebhookEndpoint.objects.all()}
    return render(request, "notify/deliveries.html", context)


@require_POST
@admin_only
def redeliver(request: HttpRequest) -> HttpResponse:
    form = RedeliverForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ids = webhook_dead_ids(data["endpoint"]) if data["all_dead"] else data["message"]
        services.webhook_messages_redeliver(
            actor=request.user, message_ids=ids, now=timezone.now(),
            request_meta=request_meta_from(request),
        )  # fmt: skip
    return redirect("notify:deliveries")


@require_http_methods(["GET", "POST"])
@admin_only
def tokens(request: HttpRequest) -> HttpResponse:
    form = ServiceTokenForm(request.POST or None)

    def create() -> dict[str, Any]:
        name, meta = form.cleaned_data["name"], request_meta_from(request)
        created = service_token_create(actor=request.user, name=name, request_meta=meta)
        return {"kind": "token", "token": created.token, "secret": created.secret}

    return _list_with_form(
        request, form, create, ("notify/tokens.html", {"tokens": service_token_list()})
    )


@require_POST
@admin_only
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ServiceToken, pk=pk)
    service_token_revoke(actor=request.user, token=token, request_meta=request_meta_from(request))
    return redirect("notify:tokens")


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@login_not_required
@require_GET
def audit_stream(request: HttpRequest) -> HttpResponse:
    """``/audit/stream/?after=<seq>&limit=N``: JSON Lines; the next cursor in ``X-Next-After``
    and a ``Link: rel="next"`` header."""
    meta = request_meta_from(request)
    try:
        service_token_authenticate(
            authorization=request.headers.get("Authorization", ""), request_meta=meta
        )
    except TokenRefused as refused:
        response = _plain(401 if refused.code != "token_scope" else 403, str(refused))
        response["WWW-Authenticate"] = 'Bearer realm="audit"'
        return response
    form = StreamForm(request.GET)
    if not form.is_valid():
        return _plain(400, "after and limit must be whole numbers (after ≥ 0, limit ≥ 1).")
    page = audit_stream_page(
        after=form.cleaned_data["after"] or 0, limit=form.cleaned_data["limit"]
    )
    response = HttpResponse(
        "".join(page.lines()), content_type="application/x-ndjson; charset=utf-8"
    )
    response["X-Next-After"] = str(page.next_after)
    response["Link"] = (
        f'<{request.path}?after={page.next_after}&limit={form.cleaned_data["limit"]}>; rel="next"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.VIEWER)
def audit_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    stream = audit_jsonl_export(
        params=request.GET, actor=request.user, request_meta=request_meta_from(request)
    )
    response = StreamingHttpResponse(stream, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.jsonl"'
    response["Cache-Control"] = "private, no-store"
    return response
