"""Django admin for accounts and roles: the admin role manages people, only superusers rights.

Django's stock ``UserAdmin`` lets anyone holding ``change_user`` tick ``is_superuser`` (on their
own account too), give raw permissions, and set a superuser's password and sign in as them;
``GroupAdmin`` lets ``change_group`` give any permission to any group. For a member of the
``admin`` role who is not a superuser, this admin instead:

- shows no superuser at all (list, change page, password page: "does not exist"), so no form
  can reach one;
- edits only username, name, e-mail, active and the role groups: no ``is_superuser``,
  ``is_staff`` (it follows the admin role, ``accounts.signals``) or ``user_permissions`` field,
  so a posted value for them is ignored like any unknown field;
- offers only the role groups, and keeps any other group a superuser gave;
- deletes nobody (deactivate instead: an account with history is protected anyway);
- may look at groups but not add, change or delete one, so no role gains a permission.

Enforced here on the server, per request: the templates only follow. Superusers get Django's
stock pages. Whatever is saved is recorded by ``accounts.events``.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.roles import role_groups_q

ROLE_MANAGER_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    ("Personal info", {"fields": ("first_name", "last_name", "email")}),
    ("Access", {"fields": ("is_active", "groups")}),
    ("Important dates", {"fields": ("last_login", "date_joined")}),
)


def manages_rights(request: HttpRequest) -> bool:
    """Only an active superuser grants superuser, edits raw permissions or touches a superuser."""
    return bool(request.user.is_active and getattr(request.user, "is_superuser", False))


class AccountAdmin(UserAdmin):
    """``UserAdmin`` narrowed to the role model for non-superusers (see the module)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        accounts = super().get_queryset(request)
        return accounts if manages_rights(request) else accounts.filter(is_superuser=False)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if obj is None or manages_rights(request):
            return super().get_fieldsets(request, obj)
        return ROLE_MANAGER_FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        if manages_rights(request):
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def get_list_filter(self, request: HttpRequest) -> Any:
        if manages_rights(request):
            return super().get_list_filter(request)
        return ("is_staff", "is_active", "groups")

    def _may_touch(self, request: HttpRequest, obj: User | None) -> bool:
        return obj is None or manages_rights(request) or not obj.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return self._may_touch(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return self._may_touch(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return manages_rights(request) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not manages_rights(request):
            kwargs["queryset"] = Group.objects.filter(role_groups_q()).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """The form only offers the roles: keep the other groups a superuser gave."""
        if change and not manages_rights(request) and "groups" in form.cleaned_data:
            others = form.instance.groups.exclude(role_groups_q())
            form.cleaned_data["groups"] = [*form.cleaned_data["groups"], *others]
        super().save_related(request, form, formsets, change)


class RoleAdmin(GroupAdmin):
    """Roles are defined in code (``accounts.roles``): non-superusers may only look."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return manages_rights(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return manages_rights(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return manages_rights(request) and super().has_delete_permission(request, obj)


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, AccountAdmin)
admin.site.register(Group, RoleAdmin)
