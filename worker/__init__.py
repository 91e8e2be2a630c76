"""Background work: Django's task framework (``django.tasks``) on a database-backed queue
(django-tasks-db), plus what a queue alone lacks: a periodic trigger that runs each due job
once however many workers run (``worker.periodic``), a heartbeat so pages and ``/health/``
can say when no worker is alive (``worker.heartbeat``), and the loop that drives both
(``worker.runner``, ``manage.py run_worker``).

Infrastructure only: it imports Django and django-tasks-db, never the dashboard; jobs are
named in settings (``PERIODIC_JOBS``) by their task's dotted path.
"""
