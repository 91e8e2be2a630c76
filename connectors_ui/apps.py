from django.apps import AppConfig


class ConnectorsUiConfig(AppConfig):
    name = "connectors_ui"
    verbose_name = "Connectors"

    def ready(self) -> None:
        from accounts.scope import default_domain_from
        from connectors_ui.catalogue.drift import drift_pair_validate
        from connectors_ui.domains.registry import default_domain

        # Roles and the audit log then know which domain unscoped work is about.
        default_domain_from(lambda: default_domain().name)
        drift_pair_validate()  # a DRIFT_PAIR naming no domain stops start-up, with its reason
