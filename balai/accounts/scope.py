"""Who may see what: the one place that turns a user into a data scope.

Village-owned data is always read through selectors that take a village; the village comes
only from `Scope.village`, so an operator can never name another village's rows. District
and regency users get no village (no individual records), only the set of villages whose
aggregates they may read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from balai.accounts.models import Role, ScopeLevel, User
from balai.regions.models import Village
from balai.regions.selectors import village_list

CAPABILITIES: dict[str, frozenset[str]] = {
    "registry.read": frozenset({Role.OPERATOR, Role.SEKDES, Role.KADES}),
    "registry.write": frozenset({Role.OPERATOR, Role.SEKDES}),
    "registry.import": frozenset({Role.OPERATOR, Role.SEKDES}),
    "aggregates.read": frozenset({Role.OPERATOR, Role.SEKDES, Role.KADES, Role.CAMAT, Role.DISPERMADES}),
    "villages.manage": frozenset({Role.DISPERMADES}),
    # Health data is sensitive (UU PDP): individual records for health roles only.
    "health.read": frozenset({Role.KADER_POSYANDU, Role.BIDAN}),
    "health.write": frozenset({Role.KADER_POSYANDU, Role.BIDAN}),
    # Pregnancy records and the midwife's follow-up list.
    "health.maternal": frozenset({Role.BIDAN}),
    # Health aggregates (prevalence, monthly report counts) without names.
    "health.aggregates": frozenset(
        {
            Role.OPERATOR,
            Role.SEKDES,
            Role.KADES,
            Role.KADER_POSYANDU,
            Role.BIDAN,
            Role.CAMAT,
            Role.DISPERMADES,
        }
    ),
    "education.read": frozenset({Role.OPERATOR, Role.SEKDES, Role.KADES}),
    "education.write": frozenset({Role.OPERATOR, Role.SEKDES}),
    # Recipient lists are personal data: the village office only, every view audited.
    "aid.read": frozenset({Role.OPERATOR, Role.SEKDES, Role.KADES}),
    "aid.write": frozenset({Role.OPERATOR, Role.SEKDES}),
    # The head's decree (SK) and changes after it.
    "aid.decide": frozenset({Role.KADES}),
    "kiosk.manage": frozenset({Role.OPERATOR, Role.SEKDES}),
    # Counter queue, complaints, guest book and satisfaction answers.
    "desk.operate": frozenset({Role.OPERATOR, Role.SEKDES}),
    "attendance.recap": frozenset({Role.KADES, Role.SEKDES, Role.OPERATOR}),
}


@dataclass(frozen=True)
class Scope:
    user: User | None
    level: str
    role: str
    village: Village | None
    district_code: str

    def can(self, capability: str) -> bool:
        return self.role in CAPABILITIES.get(capability, frozenset())

    def readable_villages(self) -> QuerySet[Village]:
        if self.level == ScopeLevel.REGENCY:
            return village_list()
        if self.level == ScopeLevel.DISTRICT:
            return village_list(district_code=self.district_code)
        if self.level == ScopeLevel.VILLAGE and self.village is not None:
            return village_list().filter(pk=self.village.pk)
        return Village.objects.none()


ANONYMOUS = Scope(user=None, level="", role="", village=None, district_code="")


def scope_for(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active or not user.role:
        return ANONYMOUS
    level = user.scope_level
    village = user.village if level == ScopeLevel.VILLAGE else None
    if level == ScopeLevel.VILLAGE and (village is None or not village.is_active):
        return ANONYMOUS
    district = user.district_code if level == ScopeLevel.DISTRICT else ""
    return Scope(user=user, level=level, role=user.role, village=village, district_code=district)
