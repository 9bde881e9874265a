"""The optional census list: identifiers (student numbers…) that make a voter eligible.

The secretary uploads a CSV; each identifier (first column) is normalised and stored only
as an HMAC-SHA256 under the cycle's voting key, never in plain text. A signed-in voter
types theirs once and the entry is marked as claimed by that account; from then on
`is_listed` says yes for them in that cycle. When the cycle's `census_required` is set,
only listed voters may vote (`refusals` says why not, for the eligibility check).

The voting key is the same one that makes ballots pseudonymous: destroying it when the
results are final also makes the list unreadable (nobody can test a number against it).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain import cycle as phase_rules
from ypb.domain.messages import N_, Refusal
from ypb.extensions import db
from ypb.models import CensusEntry, Cycle
from ypb.services import Refused, audit, refuse, use_case
from ypb.services.voting import _hmac, _key

MAX_IDENTIFIER = 100  # characters, after normalising
MAX_ENTRIES = 100_000  # per upload


@dataclass(frozen=True)
class UploadResult:
    added: int  # new identifiers stored
    already: int  # identifiers that were on the list before (or twice in the file)



def normalise(identifier: str) -> str:
    """The form an identifier is compared in: Unicode-normalised, without any spaces, and
    case-folded, so "ab 1234" typed on a phone matches "AB1234" in the school's file."""
    text = unicodedata.normalize("NFKC", identifier or "")
    return "".join(text.split()).casefold()


def _hash(key: bytes, identifier: str) -> str:
    return _hmac(key, f"census:{identifier}")


def _cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    return cycle


def _before_results(cycle: Cycle) -> None:
    if phase_rules.results_exist(cycle.phase_enum):
        raise refuse("census.closed", N_("Voting is over: the list can no longer change."))


def read_identifiers(csv_text: str, *, skip_header: bool = False) -> list[str]:
    """The normalised identifiers of a CSV's first column, in file order, duplicates kept.
    Commas, semicolons and tabs are all understood as separators (spreadsheets differ)."""
    text = (csv_text or "").lstrip("\ufeff")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    found = []
    for line, row in enumerate(rows, start=1):
        if skip_header and line == 1:
            continue
        value = normalise(row[0]) if row else ""
        if not value:
            continue
        if len(value) > MAX_IDENTIFIER:
            raise refuse("census.too_long", N_("Line %(line)s is too long for an identifier (at most %(max)s "
                                                "characters). Is the first column the right one?"),
                          "csv_text", line=line, max=MAX_IDENTIFIER)
        found.append(value)
    return found


# --- the secretary ----------------------------------------------------------------------

@use_case
def upload(actor, cycle_id: int, csv_text: str, *, skip_header: bool = False) -> UploadResult:
    """Add the CSV's identifiers to the cycle's list (ones already listed are kept as they
    are, claims included). Only keyed hashes are stored."""
    begin_write()
    cycle = _cycle(cycle_id)
    _before_results(cycle)
    identifiers = read_identifiers(csv_text, skip_header=skip_header)
    if not identifiers:
        raise refuse("census.empty", N_("No identifiers found. Put one identifier at the start of each line."),
                      "csv_text")
    if len(identifiers) > MAX_ENTRIES:
        raise refuse("census.too_many", N_("Upload at most %(max)s identifiers at a time."), "csv_text",
                      max=MAX_ENTRIES)
    key = _key(cycle.id)
    hashes = list(dict.fromkeys(_hash(key, i) for i in identifiers))
    existing = set(db.session.scalars(select(CensusEntry.id_hash).where(CensusEntry.cycle_id == cycle.id)))
    new = [h for h in hashes if h not in existing]
    db.session.add_all(CensusEntry(cycle_id=cycle.id, id_hash=h) for h in new)
    db.session.flush()
    listed = len(existing) + len(new)
    audit.record(actor, "census.upload", f"cycle:{cycle.id}", {"added": len(new), "listed": listed})
    db.session.commit()
    return UploadResult(added=len(new), already=len(identifiers) - len(new))


@use_case
def set_required(actor, cycle_id: int, required: bool) -> Cycle:
    """Whether only listed people may vote. It shapes who votes, so it locks when voting opens."""
    begin_write()
    cycle = _cycle(cycle_id)
    required = bool(required)
    if cycle.census_required == required:
        db.session.commit()
        return cycle
    if phase_rules.ballot_settings_locked(cycle.phase_enum):
        raise refuse("census.locked", N_("This can't change once voting has opened: people have already voted "
                                          "under the current rule."), "required")
    if required and counts(cycle.id)["listed"] == 0:
        raise refuse("census.no_list", N_("Upload the list first: with an empty list nobody could vote."),
                      "required")
    cycle.census_required = required
    audit.record(actor, "census.required", f"cycle:{cycle.id}", {"required": required})
    db.session.commit()
    return cycle


def counts(cycle_id: int) -> dict[str, int]:
    """{"listed": identifiers on the list, "claimed": of them, entered by a voter}."""
    listed, claimed = db.session.execute(
        select(func.count(CensusEntry.id), func.count(CensusEntry.claimed_by_id))
        .where(CensusEntry.cycle_id == cycle_id)).one()
    return {"listed": int(listed), "claimed": int(claimed)}


# --- the voter -----------------------------------------------------------------------------

def is_listed(cycle_id: int, user_id: int) -> bool:
    """True when this account has claimed an identifier on the cycle's list."""
    return db.session.scalar(select(CensusEntry.id).where(CensusEntry.cycle_id == cycle_id,
                                                          CensusEntry.claimed_by_id == user_id).limit(1)) is not None


def refusals(cycle: Cycle, user) -> list[Refusal]:
    """For the eligibility check: why this user may not vote because of the list (empty: no
    list is required, or they are on it). Anonymous visitors get nothing here; signing in is
    the eligibility check's own refusal."""
    if not cycle.census_required or user is None or not getattr(user, "is_authenticated", False):
        return []
    if is_listed(cycle.id, user.id):
        return []
    return [Refusal("eligibility.census", N_("Only people on this vote's list can vote. Enter your number from "
                                             "the list first."))]


@use_case
def claim(user, cycle_id: int, identifier: str) -> None:
    """Put this account on the list by the identifier it was given. Once per account and
    cycle; an identifier already claimed by another account is refused without saying whose."""
    begin_write()
    cycle = _cycle(cycle_id)
    _before_results(cycle)
    value = normalise(identifier)
    if not value:
        raise refuse("census.blank", N_("Type your number."), "identifier")
    key = _key(cycle.id)
    entry = db.session.scalars(select(CensusEntry).where(CensusEntry.cycle_id == cycle.id,
                                                         CensusEntry.id_hash == _hash(key, value))).first()
    mine = db.session.scalars(select(CensusEntry).where(CensusEntry.cycle_id == cycle.id,
                                                        CensusEntry.claimed_by_id == user.id)).first()
    if mine is not None:
        if entry is not None and entry.id == mine.id:
            db.session.commit()
            return  # the same number again: nothing changes
        raise refuse("census.already", N_("You have already entered your number for this vote."), "identifier")
    if entry is None:
        raise refuse("census.unknown", N_("This number is not on the list. Check it and try again, or ask the "
                                           "contact person."), "identifier")
    if entry.claimed_by_id is not None:
        raise _taken()
    try:
        with db.session.begin_nested():
            # Only an unclaimed entry is taken: two people typing the same number at once
            # cannot both get it.
            done = db.session.execute(update(CensusEntry).where(CensusEntry.id == entry.id,
                                                                CensusEntry.claimed_by_id.is_(None))
                                      .values(claimed_by_id=user.id)).rowcount
    except IntegrityError:
        # The same account claimed another number in a parallel request.
        raise refuse("census.already", N_("You have already entered your number for this vote."),
                      "identifier") from None
    if not done:
        raise _taken()
    # Who claimed, not what: the audit trail must not link an account to its identifier.
    audit.record(user, "census.claim", f"cycle:{cycle.id}")
    db.session.commit()


def _taken() -> Refused:
    return refuse("census.taken", N_("This number is already used by another account. If it is yours, ask the "
                                      "contact person for help."), "identifier")
