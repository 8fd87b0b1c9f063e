"""Pure bookkeeping rules: what a balanced entry is and how balances make the statements.

Kept free of the database so the property test can drive them with any sequence of entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ASSET, LIABILITY, EQUITY, REVENUE, EXPENSE = "aset", "liabilitas", "ekuitas", "pendapatan", "beban"


@dataclass(frozen=True)
class AccountInfo:
    code: str
    name: str
    type: str
    is_contra: bool = False

    @property
    def debit_normal(self) -> bool:
        return (self.type in (ASSET, EXPENSE)) != self.is_contra


def entry_problems(lines: Iterable[tuple[str, int, int]]) -> list[str]:
    """Why an entry (account code, debit, credit per line) may not be posted; [] when it may."""
    lines = list(lines)
    problems = []
    if len(lines) < 2:
        problems.append("Jurnal harus punya paling sedikit dua baris (debit dan kredit).")
    for i, (_code, debit, credit) in enumerate(lines, start=1):
        if debit < 0 or credit < 0:
            problems.append(f"Baris {i}: jumlah tidak boleh negatif.")
        elif (debit > 0) == (credit > 0):
            problems.append(f"Baris {i}: isi debit atau kredit, salah satu saja.")
    total_debit = sum(d for _c, d, _k in lines)
    total_credit = sum(k for _c, _d, k in lines)
    if total_debit != total_credit:
        problems.append(
            f"Jurnal tidak seimbang: debit Rp{total_debit:,} ≠ kredit Rp{total_credit:,}.".replace(",", ".")
        )
    return problems


INVESTING_PREFIX = "1-2"
FINANCING_PREFIXES = ("3-", "2-102")


def flow_of(other_codes: Iterable[str]) -> str:
    """The cash-flow activity of an entry, by the non-cash accounts it touches: fixed assets →
    investing; equity or the village's profit share → financing; anything else → operating."""
    codes = list(other_codes)
    if any(c.startswith(INVESTING_PREFIX) for c in codes):
        return "investasi"
    if any(c.startswith(FINANCING_PREFIXES) for c in codes):
        return "pendanaan"
    return "operasi"


@dataclass
class Statements:
    """Trial balance rows and the statements computed from the same balances."""

    trial: list[tuple[AccountInfo, int, int]] = field(default_factory=list)  # (account, debit, credit)
    total_debit: int = 0
    total_credit: int = 0
    revenue: list[tuple[AccountInfo, int]] = field(default_factory=list)
    expense: list[tuple[AccountInfo, int]] = field(default_factory=list)
    assets: list[tuple[AccountInfo, int]] = field(default_factory=list)
    liabilities: list[tuple[AccountInfo, int]] = field(default_factory=list)
    equity: list[tuple[AccountInfo, int]] = field(default_factory=list)

    @property
    def total_revenue(self) -> int:
        return sum(v for _a, v in self.revenue)

    @property
    def total_expense(self) -> int:
        return sum(v for _a, v in self.expense)

    @property
    def net_income(self) -> int:
        return self.total_revenue - self.total_expense

    @property
    def total_assets(self) -> int:
        return sum(v for _a, v in self.assets)

    @property
    def total_liabilities(self) -> int:
        return sum(v for _a, v in self.liabilities)

    @property
    def total_equity(self) -> int:
        # The year's (unclosed) profit belongs to equity on the balance sheet.
        return sum(v for _a, v in self.equity) + self.net_income

    @property
    def balanced(self) -> bool:
        return (
            self.total_debit == self.total_credit
            and self.total_assets == self.total_liabilities + self.total_equity
        )


def statements(accounts: Iterable[AccountInfo], sums: Mapping[str, tuple[int, int]]) -> Statements:
    """Statements from each account's (sum of debits, sum of credits)."""
    out = Statements()
    for acct in sorted(accounts, key=lambda a: a.code):
        debit, credit = sums.get(acct.code, (0, 0))
        if debit == credit:  # nothing, or closed to zero
            continue
        net = debit - credit
        out.trial.append((acct, max(net, 0), max(-net, 0)))
        out.total_debit += max(net, 0)
        out.total_credit += max(-net, 0)
        # Shown with the golongan's sign: an asset as debit minus credit, a contra asset negative.
        group_sign = 1 if acct.type in (ASSET, EXPENSE) else -1
        value = net * group_sign
        {
            ASSET: out.assets,
            LIABILITY: out.liabilities,
            EQUITY: out.equity,
            REVENUE: out.revenue,
            EXPENSE: out.expense,
        }[acct.type].append((acct, value))
    return out
