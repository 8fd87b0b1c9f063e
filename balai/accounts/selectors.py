"""Reads of staff accounts for the regency's user administration."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from balai.accounts.models import User


def user_list(*, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Staff accounts of the deployment (command-line superusers are not listed)."""
    qs = User.objects.filter(is_superuser=False, is_staff=False).select_related("village")
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(username__icontains=term) | Q(first_name__icontains=term) | Q(village__name__icontains=term)
        )
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("-is_active", "role", "village__code", "district_code", "username")


def user_get(*, pk: int) -> User:
    return User.objects.filter(is_superuser=False, is_staff=False).select_related("village").get(pk=pk)
