"""What the aid service modules share: the refusal and the labels in its messages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.aid.models import Decree, Programme
from balai.core.errors import ApplicationError
from balai.core.masking import mask_number
from balai.people.models import Family


class AidError(ApplicationError):
    """Refused: the message says why, in Indonesian; nothing was saved."""


def decreed(programme: Programme) -> bool:
    """Whether the decree (SK) of the programme's current period is out."""
    return Decree.objects.filter(programme=programme, period=programme.period).exists()


def family_label(family: Family) -> str:
    return _("keluarga KK %(kk)s") % {"kk": mask_number(family.kk_number)}
