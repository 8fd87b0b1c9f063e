from typing import Any

from django import template

register = template.Library()


@register.filter
def can(scope: Any, capability: str) -> bool:
    """`{% if scope|can:"villages.manage" %}`: the template side of `Scope.can`."""
    return bool(scope is not None and scope.can(capability))
