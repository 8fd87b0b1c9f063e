from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.core.audit import audit_record
from balai.regions.models import Dusun, Region, Rt, Village
from balai.regions.selectors import DATA_DIR, _read_codes, deployment_regency_code, region_names

if TYPE_CHECKING:
    from balai.accounts.models import User


def _level(code: str) -> int:
    return code.count(".") + 1


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


@transaction.atomic
def regions_load() -> int:
    """(Re)load every region code, current and historic, from the shipped CSV files."""
    rows = {
        code: Region(code=code, name=name, level=_level(code), parent_code=_parent(code))
        for code, name in _read_codes("wilayah.csv")
    }
    with (DATA_DIR / "wilayah_historic.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["kode"]
            if code not in rows:
                rows[code] = Region(
                    code=code,
                    name=row["nama"],
                    level=_level(code),
                    parent_code=_parent(code),
                    is_current=False,
                    last_seen=int(row["last_seen"]) if row.get("last_seen") else None,
                )
    Region.objects.all().delete()
    Region.objects.bulk_create(rows.values(), batch_size=5000)
    return len(rows)


@transaction.atomic
def village_create(*, code: str, actor: User | None = None, **profile: str) -> Village:
    names = region_names()
    regency = deployment_regency_code()
    if code not in names or code.count(".") != 3:
        raise ValidationError({"code": _("Kode desa %(code)s tidak dikenal.") % {"code": code}})
    if not code.startswith(regency + "."):
        raise ValidationError(
            {"code": _("Desa %(code)s tidak berada di kabupaten deployment ini.") % {"code": code}}
        )
    district = _parent(code)
    province = code.split(".")[0]
    village = Village.objects.create(
        code=code,
        name=names[code],
        district_code=district,
        district_name=names.get(district, ""),
        regency_code=regency,
        regency_name=names.get(regency, ""),
        province_name=names.get(province, ""),
        **profile,
    )
    audit_record(
        actor=actor, village=village, action="village.created", object_type="village",
        object_id=village.code, changes={"name": village.name},
    )
    return village


def dusun_get_or_create(*, village: Village, name: str) -> Dusun:
    dusun, _created = Dusun.objects.get_or_create(village=village, name=name)
    return dusun


def rt_get_or_create(*, village: Village, dusun_name: str, rw: str, rt: str) -> Rt:
    dusun = dusun_get_or_create(village=village, name=dusun_name)
    obj, _created = Rt.objects.get_or_create(village=village, dusun=dusun, rw=rw, rt=rt)
    return obj
