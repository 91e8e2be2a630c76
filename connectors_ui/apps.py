from django.apps import AppConfig


class ConnectorsUiConfig(AppConfig):
    name = "connectors_ui"
    verbose_name = "Connectors"
