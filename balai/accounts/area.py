"""The name of the area a scope reads, as a regional page's title and its downloads say it:
the district for a camat, the village for a village account, else the regency."""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.accounts.models import ScopeLevel
from balai.accounts.scope import Scope
from balai.regions.selectors import deployment_regency_code, region_names


def area_name(scope: Scope) -> str:
    if scope.level == ScopeLevel.DISTRICT:
        return _("Kecamatan %(name)s") % {
            "name": region_names().get(scope.district_code, scope.district_code)
        }
    if scope.level == ScopeLevel.VILLAGE and scope.village is not None:
        return _("Desa %(name)s") % {"name": scope.village.name}
    code = deployment_regency_code()
    return region_names().get(code, code)
