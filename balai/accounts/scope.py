"""Who may see what: the one place that turns a user into a data scope.

Village-owned data is always read through selectors that take a village; the village comes
only from `Scope.village`, so an operator can never name another village's rows. District
and regency users get no village (no individual records), only the set of villages whose
aggregates they may read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import router
from django.db.models import QuerySet

from balai.accounts.models import Role, ScopeLevel, User
from balai.core.db.compiled import CompiledQuery
from balai.regions.models import Village
from balai.regions.selectors import village_list

# Every role and capability decision of the project: views (`require`, `Scope.can`), the API
# and the services that refuse a step all ask this table; nothing else names a role.
# balai/accounts/tests/test_capabilities.py spells it out, so a change to who may do what shows in review.
VILLAGE_OFFICE = frozenset({Role.OPERATOR, Role.SEKDES, Role.KADES})
CLERKS = frozenset({Role.OPERATOR, Role.SEKDES})
SIGNERS = frozenset({Role.KADES, Role.SEKDES})

CAPABILITIES: dict[str, frozenset[str]] = {
    "registry.read": VILLAGE_OFFICE,
    "registry.write": CLERKS,
    "registry.import": CLERKS,
    "aggregates.read": VILLAGE_OFFICE | {Role.CAMAT, Role.DISPERMADES},
    "villages.manage": frozenset({Role.DISPERMADES}),
    # Regency pages (snapshots, freshness, rollout, exports): district and regency offices.
    "regency.read": frozenset({Role.CAMAT, Role.DISPERMADES}),
    # Switching villages on with their first accounts, taking a snapshot on demand.
    "regency.manage": frozenset({Role.DISPERMADES}),
    # The village's public page: its news and announcements.
    "portal.write": CLERKS,
    # Health data is sensitive (UU PDP): individual records for health roles only.
    "health.read": frozenset({Role.KADER_POSYANDU, Role.BIDAN}),
    "health.write": frozenset({Role.KADER_POSYANDU, Role.BIDAN}),
    # Pregnancy records and the midwife's follow-up list.
    "health.maternal": frozenset({Role.BIDAN}),
    # Health aggregates (prevalence, monthly report counts) without names.
    "health.aggregates": VILLAGE_OFFICE | {Role.KADER_POSYANDU, Role.BIDAN, Role.CAMAT, Role.DISPERMADES},
    "education.read": VILLAGE_OFFICE,
    "education.write": CLERKS,
    # Recipient lists are personal data: the village office only, every view audited.
    "aid.read": VILLAGE_OFFICE,
    "aid.write": CLERKS,
    # The head's decree (SK) and changes after it.
    "aid.decide": frozenset({Role.KADES}),
    "kiosk.manage": CLERKS,
    # Counter queue, complaints, guest book and satisfaction answers.
    "desk.operate": CLERKS,
    "attendance.recap": VILLAGE_OFFICE,
    # Village economy: BUMDes books, UMKM, potential and prices. Closing a period and sharing
    # out the profit are the office's decisions, not the operator's alone.
    "economy.read": VILLAGE_OFFICE,
    "economy.write": CLERKS,
    "economy.close": SIGNERS,
    # Staffing: the officials' records, decrees, positions and the BPD; the head reads them.
    "staff.read": VILLAGE_OFFICE,
    "staff.write": CLERKS,
    # Leave and travel: anyone of the office files (an official their own, a clerk for anyone);
    # the kepala desa decides, and the camat decides the kepala desa's own.
    "staff.leave": VILLAGE_OFFICE,
    "staff.approve": frozenset({Role.KADES}),
    "staff.head_leave": frozenset({Role.CAMAT}),
    # Residents' kiosk reports that an official was absent in office hours: the kepala desa
    # marks them handled or unfounded (issue 18 item 5, issue 23 item 1).
    "staff.absences": frozenset({Role.KADES}),
    # ... and the camat of the village's district decides those about the kepala desa himself.
    "staff.head_absences": frozenset({Role.CAMAT}),
    # Letters: one capability per workflow step (`letters.services.workflow.letter_act` and the API
    # refuse a step to a role without it; the pages show only the steps a role may take).
    "letters.request": CLERKS,
    "letters.submit": CLERKS,
    "letters.verify": CLERKS,
    "letters.return": CLERKS | SIGNERS,
    "letters.reject": CLERKS | SIGNERS,
    "letters.cancel": CLERKS,
    "letters.sign": SIGNERS,
    "letters.issue": CLERKS | SIGNERS,
    "letters.hand_over": CLERKS,
    "letters.revoke": SIGNERS,
    "letters.rt_approve": frozenset({Role.KETUA_RT}),
    # Naming, replacing and ending the ketua RT (their account with a one-time password).
    "letters.rt_heads": CLERKS,
    "letters.assign": CLERKS,
    # Who a request can be assigned to.
    "letters.handle": CLERKS,
    # An operator's step claims the request (one operator handles it; another must take it
    # over); the sekretaris desa supervises and acts on any.
    "letters.claim": frozenset({Role.OPERATOR}),
    # Signing in one's own name; the sekretaris desa signs a.n. (on behalf of) the head.
    "letters.sign_own": frozenset({Role.KADES}),
    # Numbering, paper and which types the kiosk offers.
    "letters.settings": VILLAGE_OFFICE,
    # What delegates the signatory's signature: certified signing (TTE) on or off, and a type
    # the kiosk issues without an operator (self-service).
    "letters.delegate": SIGNERS,
    # Rewording a type's letter text.
    "letters.template": CLERKS,
    # Recording incoming letters; disposing them and following dispositions up.
    "letters.incoming": CLERKS,
    "letters.dispose": CLERKS | SIGNERS,
    # Village finance (keuangan desa). The treasurer (Kaur Keuangan/bendahara) keeps the books;
    # an SPP is raised by the activity's executor (entered by a clerk or the treasurer), verified
    # by the sekdes and approved by the kades before the treasurer pays it.
    "finance.read": VILLAGE_OFFICE | {Role.BENDAHARA},
    "finance.budget": CLERKS | {Role.BENDAHARA},
    "finance.budget_set": frozenset({Role.KADES}),
    "finance.spp_raise": CLERKS | {Role.BENDAHARA},
    "finance.spp_verify": frozenset({Role.SEKDES}),
    "finance.spp_approve": frozenset({Role.KADES}),
    "finance.pay": frozenset({Role.BENDAHARA}),
    "finance.import": frozenset({Role.OPERATOR, Role.BENDAHARA}),
    # The regency's chart of accounts per year (add, rename, deactivate; Dispermades).
    "finance.chart": frozenset({Role.DISPERMADES}),
}


def role_can(role: str, capability: str) -> bool:
    return role in CAPABILITIES.get(capability, frozenset())


def user_can(user: User | None, capability: str) -> bool:
    """For services, which get an actor rather than a scope: the actor's role may."""
    return user is not None and role_can(user.role, capability)


@dataclass(frozen=True)
class Scope:
    user: User | None
    level: str
    role: str
    village: Village | None
    district_code: str

    def can(self, capability: str) -> bool:
        return role_can(self.role, capability)

    def readable_villages(self) -> QuerySet[Village]:
        if self.level == ScopeLevel.REGENCY:
            return village_list()
        if self.level == ScopeLevel.DISTRICT:
            return village_list(district_code=self.district_code)
        if self.level == ScopeLevel.VILLAGE and self.village is not None:
            return village_list().filter(pk=self.village.pk)
        return Village.objects.none()


ANONYMOUS = Scope(user=None, level="", role="", village=None, district_code="")


_VILLAGE_FIELDS = tuple(f.attname for f in Village._meta.concrete_fields)
# The signed-in user's village, on every page: one compiled query (balai/core/db/compiled.py).
_VILLAGE = CompiledQuery(
    Village, lambda _shape, pk: Village.objects.filter(pk=pk).values_list(*_VILLAGE_FIELDS)
)


def _village_of(user: User) -> Village | None:
    """`user.village`, loaded as the ORM would load it (and kept on the user the same way)."""
    field = User._meta.get_field("village")
    if user.village_id is None or field.is_cached(user):
        return user.village
    rows = _VILLAGE.rows(user.village_id)
    if not rows:
        return user.village  # gone meanwhile: the ORM's own answer (DoesNotExist)
    village = Village.from_db(router.db_for_read(Village), list(_VILLAGE_FIELDS), list(rows[0]))
    field.set_cached_value(user, village)
    return village


def scope_for(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active or not user.role:
        return ANONYMOUS
    level = user.scope_level
    village = _village_of(user) if level == ScopeLevel.VILLAGE else None
    if level == ScopeLevel.VILLAGE and (village is None or not village.is_active):
        return ANONYMOUS
    district = user.district_code if level == ScopeLevel.DISTRICT else ""
    return Scope(user=user, level=level, role=user.role, village=village, district_code=district)
