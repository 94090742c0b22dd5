"""The staff roles, stored by these codes on each account; what each may open is declared on the views
with `auth.requires`. Here, not in models.py, so that forms and views can list them without a model."""
from __future__ import annotations

ROLES = ("adviser", "editor", "organiser", "admin")
