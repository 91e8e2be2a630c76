from django.apps import AppConfig


class ConnectorsUiConfig(AppConfig):
    name = "connectors_ui"
    verbose_name = "Connectors"

    def ready(self) -> None:
        from accounts.scope import default_domain_from
        from connectors_ui.domains.registry import default_domain

        # Roles and the audit log then know which domain unscoped work is about.
        default_domain_from(lambda: default_domain().name)
