"""Where the list page's time goes, in process: pyinstrument over repeated signed-in views.

Run: DJANGO_ENV=test .venv/bin/python bench/profile_list.py [--size 20000] [--views 200]
     [--query "?q=credit+agricole"] [--html out.html]

A throwaway SQLite database with the generated catalogue of ``--size`` connectors; the list is
viewed once (the index build is not what this looks at), then ``--views`` times under the
profiler. Prints the call tree (frames under 1% hidden), or writes it as HTML.
"""

import argparse
import time

from _setup import catalogue_load, django_setup, signed_in_client

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--size", type=int, default=20000)
parser.add_argument("--views", type=int, default=200)
parser.add_argument("--query", default="")
parser.add_argument("--role", default="editor")
parser.add_argument("--html", default="")
ARGS = parser.parse_args()
django_setup("profile-list-", db_dir="/dev/shm")

from pyinstrument import Profiler  # noqa: E402

from sandbox.backend import generated_catalogue  # noqa: E402


def main() -> None:
    client = signed_in_client(ARGS.role)
    catalogue_load(generated_catalogue(ARGS.size))
    url = "/connectors/" + ARGS.query
    assert client.get(url).status_code == 200
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(ARGS.views):
            client.get(url)
    per_view = (time.perf_counter() - started) * 1000 / ARGS.views
    print(f"{ARGS.views} views of {url} at {ARGS.size:,} connectors: {per_view:.1f} ms each")
    if ARGS.html:
        with open(ARGS.html, "w") as out:
            out.write(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, show_all=False))


if __name__ == "__main__":
    main()
