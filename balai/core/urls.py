"""A URL include whose module is imported only when one of its URLs is needed."""

from __future__ import annotations

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class _LazyNamespaceResolver(URLResolver):
    """A namespaced resolver that imports its module on first use of its own URLs.

    Django's URLResolver already imports a module given by name only when its patterns are
    read, but reversing any name builds the whole tree (the root resolver populates every
    child). A namespace's names are reached only through the namespace, so the parent needs
    nothing from this child but its namespace: populating waits until this resolver's own
    lookups are asked for (reversing one of its names) or a path under its prefix is resolved.
    """

    def _populate(self) -> None:
        if "urlconf_module" in self.__dict__:
            super()._populate()

    @property
    def reverse_dict(self):
        self.url_patterns  # noqa: B018 - imports the module, then populating proceeds
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self.url_patterns  # noqa: B018
        return super().namespace_dict

    @property
    def app_dict(self):
        self.url_patterns  # noqa: B018
        return super().app_dict


def lazy_include(route: str, module: str, *, app_name: str, namespace: str) -> URLResolver:
    """`path(route, include((module, app_name), namespace))`, importing `module` on first use."""
    return _LazyNamespaceResolver(
        RoutePattern(route, is_endpoint=False), module, app_name=app_name, namespace=namespace
    )
