# Placeholder; the foundation work completes it.
VENV := .venv
test:
	DJANGO_ENV=test $(VENV)/bin/pytest
