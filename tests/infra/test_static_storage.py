"""Production's static storage (``powens_admin.static_storage``): the manifest's URLs, each
worked out once per process."""

import re

from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

from powens_admin.static_storage import StaticStorage

BACKEND = "powens_admin.static_storage.StaticStorage"


def test_collectstatic_then_the_manifest_urls_once_each(settings, tmp_path, monkeypatch):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": BACKEND}}
    call_command("collectstatic", interactive=False, verbosity=0)
    storage = StaticStorage()
    url = storage.url("js/app.js")
    assert re.fullmatch(r"/static/js/app\.[0-9a-f]{12}\.js", url)
    assert url == CompressedManifestStaticFilesStorage().url("js/app.js")
    looked_up: list[str] = []
    parent_url = CompressedManifestStaticFilesStorage.url

    def counting(self, name, force=False):
        looked_up.append(name)
        return parent_url(self, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counting)
    urls = [storage.url("js/app.js"), storage.url("css/app.css"), storage.url("css/app.css")]
    assert urls[0] == url and urls[1] == urls[2] != url
    assert looked_up == ["css/app.css"]
