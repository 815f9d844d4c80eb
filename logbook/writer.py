"""The one write path: every entry, from a log form, the API or an offline batch,
is stored here.

Every entry has an id that the client chooses when the entry is made. A phone
that loses its connection mid-request cannot know whether the server stored
the entry, so it sends it again with the same id, and a person may tap Save
twice. The writer makes that harmless. For an entry's id it decides, in one
place, what happens:

- the id is free: the entry is **created**;
- the id is another person's: **not yours**, and their entry stays untouched
  (callers answer as if it did not exist);
- the id is this person's, and the request only creates: a repeat, so the
  stored entry is kept **unchanged**;
- the id is this person's, and the request may change it (an edit, a sync):
  it is **updated** if any value differs, and left **unchanged**, with its
  `updated_at` too, if none does.

Checking the values is the caller's: a form or a serializer, wrapped as a
`Check`, turns incoming data into the values of the model's fields, or into
messages by field (**invalid**, and nothing is written).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, models, transaction

from logbook.signals import announce_after_commit


class Status(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    INVALID = "invalid"


NOT_YOURS = "This id cannot be used; generate a new one."


class NotYours(Exception):
    """The id belongs to another person's entry; answer as if it did not exist."""


@dataclass
class Checked:
    """What a form or serializer made of incoming data.

    `values` are the model fields to store (without id and user), or None when
    the data was refused with `errors` (messages by field). `checker` is the
    bound form or serializer, for showing the errors or the stored entry.
    """

    values: dict | None = None
    errors: dict = field(default_factory=dict)
    checker: object = None


# Given the entry already stored under the id (or None), check the incoming data.
Check = Callable[[models.Model | None], Checked]


@dataclass
class Outcome:
    status: Status
    entry: models.Model | None = None
    errors: dict = field(default_factory=dict)
    checker: object = None


# "Not looked up": a create tries its INSERT first, and asks what holds the id
# only if the INSERT is refused. The common case, a new entry, costs one query.
NOT_LOOKED_UP = object()


def stored_under(model, entry_id) -> models.Model | None:
    """The entry stored under this id, whoever owns it, or None."""
    return model.objects.filter(pk=entry_id).order_by().first()


def claim(stored, user) -> models.Model | None:
    """`stored` (the row under an id, or None) if it is the person's or the id is
    free; raises NotYours if another person's entry has the id."""
    if stored is not None and stored.user_id != user.pk:
        raise NotYours
    return stored


def save(model, user, entry_id, check: Check, *, may_change: bool, stored=NOT_LOOKED_UP) -> Outcome:
    """Store one entry under `entry_id` for `user`, and say what became of it.

    `may_change`: False for a create (a repeat keeps what is stored), True for
    an edit or a sync (the stored entry is brought up to date). `stored` is
    the row under the id, if the caller has it (an edit does). Raises
    NotYours for another person's id.
    """
    if stored is NOT_LOOKED_UP and may_change:
        stored = stored_under(model, entry_id)
    if stored is not NOT_LOOKED_UP:
        stored = claim(stored, user)
        if stored is not None and not may_change:
            return Outcome(Status.UNCHANGED, stored)
    row = None if stored is NOT_LOOKED_UP else stored
    before = snapshot(row)
    checked = check(row)
    if checked.values is None:
        return Outcome(Status.INVALID, errors=checked.errors, checker=checked.checker)
    if row is not None:
        status = update(row, checked.values, before)
        return Outcome(status, row, checker=checked.checker)
    entry = model(id=entry_id, user=user, **checked.values)
    try:
        insert(entry)
    except IntegrityError:
        # The id was taken: by an earlier send of this entry (a repeat), or one
        # racing it. Or another entry took a unique slot (a check-in's day):
        # checking again now names the field.
        taken = stored_under(model, entry_id)
        if taken is not None:
            return save(model, user, entry_id, check, may_change=may_change, stored=taken)
        checked = check(None)
        if checked.values is not None:
            raise
        return Outcome(Status.INVALID, errors=checked.errors, checker=checked.checker)
    return Outcome(Status.CREATED, entry, checker=checked.checker)


def save_batch(model, user, items: list[tuple[object, Check]]) -> list[Outcome]:
    """Store many entries of one kind for `user`, as a sync does: each is created,
    or brings its stored entry up to date, or is refused on its own.

    The common case is made cheap: one query finds which ids are stored, and
    the new entries go in with one INSERT. Only when that INSERT is refused (a
    race with another send) does each entry take the one-at-a-time path.
    Call it inside a transaction: a refused row then rolls back to a savepoint.
    """
    stored = {row.pk: row for row in model.objects.filter(pk__in=[i for i, _ in items])}
    outcomes: list[Outcome] = []
    pending: dict = {}  # entry_id -> (index in outcomes, check, unsaved row)

    def insert_pending():
        if not pending:
            return
        waiting = list(pending.items())
        pending.clear()
        try:
            bulk_insert(model, [row for _, (_, _, row) in waiting])
        except IntegrityError:
            for entry_id, (index, check, _) in waiting:
                outcomes[index] = save_one_of_batch(model, user, entry_id, check)
                if outcomes[index].entry is not None:
                    stored[entry_id] = outcomes[index].entry
            return
        for entry_id, (_, _, row) in waiting:
            stored[entry_id] = row
            # bulk_create sends no post_save, so announce here.
            announce_after_commit(row, "saved")

    for entry_id, check in items:
        if entry_id in pending:
            insert_pending()  # the same id twice: the second edits the first
        try:
            row = claim(stored.get(entry_id), user)
        except NotYours:
            outcomes.append(Outcome(Status.INVALID, errors={"id": [NOT_YOURS]}))
            continue
        before = snapshot(row)
        checked = check(row)
        if checked.values is None:
            outcomes.append(Outcome(Status.INVALID, errors=checked.errors))
        elif row is not None:
            outcomes.append(Outcome(update(row, checked.values, before), row))
        else:
            # Reported as created unless the INSERT finds otherwise.
            outcomes.append(Outcome(Status.CREATED))
            new_row = model(id=entry_id, user=user, **checked.values)
            pending[entry_id] = (len(outcomes) - 1, check, new_row)
            outcomes[-1].entry = new_row
    insert_pending()
    return outcomes


def save_one_of_batch(model, user, entry_id, check) -> Outcome:
    try:
        return save(model, user, entry_id, check, may_change=True)
    except NotYours:
        return Outcome(Status.INVALID, errors={"id": [NOT_YOURS]})


def snapshot(entry) -> dict:
    """The entry's stored field values, taken before a check that may set the
    incoming ones on it (a ModelForm's validation does)."""
    if entry is None:
        return {}
    return {f.name: getattr(entry, f.attname) for f in entry._meta.concrete_fields}


def update(entry, values: dict, before: dict) -> Status:
    """Write the values that differ from the stored ones (`before`), and only those."""
    changed = [name for name, value in values.items() if before[name] != value]
    if not changed:
        return Status.UNCHANGED
    for name in changed:
        setattr(entry, name, values[name])
    entry.save(update_fields=[*changed, "updated_at"])
    return Status.UPDATED


def bulk_insert(model, rows) -> None:
    with transaction.atomic():  # a savepoint: a refused INSERT leaves the batch usable
        model.objects.bulk_create(rows)


def insert(entry) -> None:
    if transaction.get_connection().in_atomic_block:
        # Inside a batch: a savepoint, so that a refused row leaves the batch usable.
        with transaction.atomic():
            entry.save(force_insert=True)
    else:
        # One INSERT commits on its own; a refused one leaves nothing to undo.
        entry.save(force_insert=True)
