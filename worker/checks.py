"""A system check for ``PERIODIC_JOBS``: a typo in a task path or an interval would otherwise
only show as a worker failing at its first tick."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.tasks import Task
from django.utils.module_loading import import_string


@checks.register()
def periodic_jobs_check(**kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for name, job in getattr(settings, "PERIODIC_JOBS", {}).items():
        where = f"PERIODIC_JOBS[{name!r}]"
        if not isinstance(job, dict) or set(job) != {"task", "every_seconds"}:
            errors.append(
                checks.Error(
                    f"{where} must be {{'task': …, 'every_seconds': …}}.", id="worker.E001"
                )
            )
            continue
        if len(name) > 64:
            errors.append(checks.Error(f"{where}: at most 64 characters.", id="worker.E002"))
        every = job["every_seconds"]
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            errors.append(
                checks.Error(
                    f"{where}['every_seconds'] must be a whole number ≥ 1.", id="worker.E003"
                )
            )
        try:
            task = import_string(job["task"])
        except ImportError:
            task = None
        if not isinstance(task, Task):
            errors.append(
                checks.Error(f"{where}['task'] must name a django.tasks @task.", id="worker.E004")
            )
    return errors
