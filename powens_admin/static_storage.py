"""Production's static files storage: WhiteNoise's compressed manifest, its URLs worked out
once per process.

Why (issue 16): ``{% static %}`` runs ``url()`` for every asset of every page (nine on the
list), and each call normalises the name, looks it up in the manifest, quotes and joins it:
about 20 µs, a few percent of a page. The manifest cannot change under a running process
(``collectstatic`` runs before it starts and the hashed names are immutable), so a name's
URL is the same for the life of the process.
"""

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
