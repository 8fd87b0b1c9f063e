"""Plug-in points that domain apps fill without the app below knowing them.

A domain app offers a kiosk tile, a section of the village's public page or a reaction to a
life event by defining a module with an agreed name; the interface that shows them (the kiosk
home, the public portal, the life-event recorder) collects them with `collect`. This keeps
every arrow pointing down: the kiosk never imports finance, finance never imports the kiosk.

    <app>/kiosk_tiles.py   TILES = [KioskTile(...)]
    <app>/public.py        PUBLIC_SECTIONS = [PublicSection(...)]
    <app>/life_events.py   LIFE_EVENT_HANDLERS = {"death": handler, "move_out": handler, ...}
    <app>/office_tasks.py  TASKS = [fn(*, scope, user) -> list[HomeTask]]  (the office home)
    <app>/record_sections.py  SECTIONS = {"staff.official": fn(*, obj, scope) -> RecordSection | None}
                           (a section of another app's record page, e.g. finance on an official)
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class KioskTile:
    """A button on the kiosk home screen. `url_name` is reversed without arguments."""

    key: str
    label: str | Promise
    url_name: str
    description: str | Promise = ""
    order: int = 100
    # True when the screen asks the resident to sign in (PIN/card) first.
    needs_sign_in: bool = False


@dataclass(frozen=True)
class PublicSection:
    """A section of a village's public page, `desa/<village_code>/<key>/`.

    `url_name` is reversed with `village_code`; `summary(village)` returns a short line for the
    village's front page (or None to hide the section there)."""

    key: str
    title: str | Promise
    url_name: str
    order: int = 100
    summary: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class HomeTask:
    """Work waiting for someone in the office, shown on their home page (Beranda).

    A provider returns only what the user's role may act on, with the count of waiting items;
    the home hides tasks with nothing waiting."""

    label: str
    count: int
    url: str
    module: str = ""
    # Shown when the count is the number of overdue items rather than merely waiting ones.
    urgent: bool = False


@dataclass(frozen=True)
class RecordSection:
    """A section an app adds to a record page of an app below it or beside it (the siltap paid
    to an official, the APBDes line an aid programme is paid from). Rows are label/value pairs
    already formatted; `link_url` leads to the owning app's page."""

    title: str | Promise
    rows: tuple[tuple[str | Promise, str], ...] = ()
    note: str | Promise = ""
    link_url: str = ""
    link_label: str | Promise = ""


def record_sections(key: str, **kwargs: Any) -> list[RecordSection]:
    """The sections other apps offer for the record page `key` ("staff.official", ...)."""
    out = []
    for provider in collect_handlers("record_sections", "SECTIONS").get(key, []):
        section = provider(**kwargs)
        if section is not None:
            out.append(section)
    return out


@cache
def _modules(module_name: str) -> tuple[Any, ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("balai."):
            continue
        name = f"{config.name}.{module_name}"
        if importlib.util.find_spec(name) is None:
            continue
        found.append(importlib.import_module(name))
    return tuple(found)


def collect(module_name: str, attr: str) -> list[Any]:
    """Every app's `<app>.<module_name>.<attr>` list, concatenated in INSTALLED_APPS order."""
    items: list[Any] = []
    for module in _modules(module_name):
        items.extend(getattr(module, attr, ()) or ())
    return items


def collect_handlers(module_name: str, attr: str) -> dict[str, list[Callable[..., Any]]]:
    """Every app's `<attr>` dict merged into one mapping of key → handlers (INSTALLED_APPS order)."""
    merged: dict[str, list[Callable[..., Any]]] = {}
    for module in _modules(module_name):
        for key, handler in (getattr(module, attr, None) or {}).items():
            merged.setdefault(key, []).append(handler)
    return merged
