"""Writes of the aid module, one module per step of the aid cycle (programmes, welfare data,
candidates, decision, recipients, distribution). The public names of all but distribution
are re-exported here, after HackSoft's services package, so `services.programme_create`
reads as before; distribution is used as its own module.

Every change to personal data leaves an audit event; every view of a recipient list is
recorded too (`recipient_list_viewed`). Refusals raise AidError with an Indonesian reason and
leave nothing half-done."""

from balai.aid.services.candidates import (
    OPEN_CANDIDATE,
    candidate_nominate,
    candidate_verify,
    candidates_generate,
    candidates_verify,
)
from balai.aid.services.common import AidError
from balai.aid.services.decision import Attendee, decree_issue, deliberation_record
from balai.aid.services.programmes import PROGRAMME_FIELDS, programme_create, programme_update, rules_save
from balai.aid.services.read_log import family_welfare_viewed, recipient_list_viewed
from balai.aid.services.recipients import (
    enrolment_problems,
    recipient_change_status,
    recipient_enrol,
    recipient_insert,
)
from balai.aid.services.welfare import (
    SURVEY_FIELDS,
    DecileRow,
    decile_record,
    deciles_import,
    welfare_survey_record,
)

__all__ = [
    "OPEN_CANDIDATE",
    "PROGRAMME_FIELDS",
    "SURVEY_FIELDS",
    "AidError",
    "Attendee",
    "DecileRow",
    "candidate_nominate",
    "candidate_verify",
    "candidates_generate",
    "candidates_verify",
    "decile_record",
    "deciles_import",
    "decree_issue",
    "deliberation_record",
    "enrolment_problems",
    "family_welfare_viewed",
    "programme_create",
    "programme_update",
    "recipient_change_status",
    "recipient_enrol",
    "recipient_insert",
    "recipient_list_viewed",
    "rules_save",
    "welfare_survey_record",
]
