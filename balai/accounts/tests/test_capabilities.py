"""The whole role × capability table, spelled out: a change to who may do what changes this
file too, and shows in review. `pytest -s` prints the table."""

from balai.accounts.models import Role
from balai.accounts.scope import CAPABILITIES, role_can

EXPECTED = """
                    operator sekdes kades kader_posyandu bendahara bidan ketua_rt camat dispermades
aggregates.read        x       x      x         .            .       .      .       x        x
aid.decide             .       .      x         .            .       .      .       .        .
aid.read               x       x      x         .            .       .      .       .        .
aid.write              x       x      .         .            .       .      .       .        .
attendance.recap       x       x      x         .            .       .      .       .        .
desk.operate           x       x      .         .            .       .      .       .        .
economy.close          .       x      x         .            .       .      .       .        .
economy.read           x       x      x         .            .       .      .       .        .
economy.write          x       x      .         .            .       .      .       .        .
education.read         x       x      x         .            .       .      .       .        .
education.write        x       x      .         .            .       .      .       .        .
finance.budget         x       x      .         .            x       .      .       .        .
finance.budget_set     .       .      x         .            .       .      .       .        .
finance.chart          .       .      .         .            .       .      .       .        x
finance.import         x       .      .         .            x       .      .       .        .
finance.pay            .       .      .         .            x       .      .       .        .
finance.read           x       x      x         .            x       .      .       .        .
finance.spp_approve    .       .      x         .            .       .      .       .        .
finance.spp_raise      x       x      .         .            x       .      .       .        .
finance.spp_verify     .       x      .         .            .       .      .       .        .
health.aggregates      x       x      x         x            .       x      .       x        x
health.maternal        .       .      .         .            .       x      .       .        .
health.read            .       .      .         x            .       x      .       .        .
health.write           .       .      .         x            .       x      .       .        .
kiosk.manage           x       x      .         .            .       .      .       .        .
letters.assign         x       x      .         .            .       .      .       .        .
letters.cancel         x       x      .         .            .       .      .       .        .
letters.claim          x       .      .         .            .       .      .       .        .
letters.delegate       .       x      x         .            .       .      .       .        .
letters.dispose        x       x      x         .            .       .      .       .        .
letters.hand_over      x       x      .         .            .       .      .       .        .
letters.handle         x       x      .         .            .       .      .       .        .
letters.incoming       x       x      .         .            .       .      .       .        .
letters.issue          x       x      x         .            .       .      .       .        .
letters.reject         x       x      x         .            .       .      .       .        .
letters.request        x       x      .         .            .       .      .       .        .
letters.return         x       x      x         .            .       .      .       .        .
letters.revoke         .       x      x         .            .       .      .       .        .
letters.rt_approve     .       .      .         .            .       .      x       .        .
letters.rt_heads       x       x      .         .            .       .      .       .        .
letters.settings       x       x      x         .            .       .      .       .        .
letters.sign           .       x      x         .            .       .      .       .        .
letters.sign_own       .       .      x         .            .       .      .       .        .
letters.submit         x       x      .         .            .       .      .       .        .
letters.template       x       x      .         .            .       .      .       .        .
letters.verify         x       x      .         .            .       .      .       .        .
portal.write           x       x      .         .            .       .      .       .        .
regency.manage         .       .      .         .            .       .      .       .        x
regency.read           .       .      .         .            .       .      .       x        x
registry.import        x       x      .         .            .       .      .       .        .
registry.read          x       x      x         .            .       .      .       .        .
registry.write         x       x      .         .            .       .      .       .        .
staff.absences         .       .      x         .            .       .      .       .        .
staff.approve          .       .      x         .            .       .      .       .        .
staff.head_absences    .       .      .         .            .       .      .       x        .
staff.head_leave       .       .      .         .            .       .      .       x        .
staff.leave            x       x      x         .            .       .      .       .        .
staff.read             x       x      x         .            .       .      .       .        .
staff.write            x       x      .         .            .       .      .       .        .
villages.manage        .       .      .         .            .       .      .       .        x
"""


def _matrix() -> str:
    roles = list(Role.values)
    width = max(len(c) for c in CAPABILITIES)
    lines = [" ".join([" " * width, *roles])]
    for capability in sorted(CAPABILITIES):
        cells = [("x" if role_can(role, capability) else ".").center(len(role)) for role in roles]
        lines.append(" ".join([capability.ljust(width), *cells]).rstrip())
    return "\n".join(lines)


def test_role_capability_matrix_is_as_written() -> None:
    matrix = _matrix()
    print(matrix)  # noqa: T201
    assert matrix == EXPECTED.strip("\n")


def test_unknown_capability_is_refused_to_every_role() -> None:
    assert not any(role_can(role, "no.such.capability") for role in Role.values)
