"""Read-only admin: operators can browse history but never add, change or delete it."""

from typing import cast

from django.contrib import admin

from audit.models import AuditEntry, AuditOutcome


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditOutcomeInline(admin.TabularInline):
    model = AuditOutcome
    fk_name = "entry"
    extra = 0
    can_delete = False
    fields = [
        "recorded_at",
        "outcome",
        "resolved_by",
        "powens_status",
        "error_code",
        "error_message",
        "powens_request_id",
        "observed",
        "actor_username",
    ]
    # Plain field names (no groups), so they are valid read-only fields too.
    readonly_fields = cast(list[str], fields)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_username", "action", "connector_name", "outcome"]
    list_filter = ["action", "outcome"]
    search_fields = ["connector_name", "connector_uuid", "actor_username", "reason"]
    inlines = [AuditOutcomeInline]


@admin.register(AuditOutcome)
class AuditOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["seq", "recorded_at", "entry", "outcome", "resolved_by", "powens_status"]
    list_filter = ["outcome", "resolved_by"]
