"""MongoDB references: no sampled document points at a missing one (trades.user_id -> users._id, ...).
Bounded by the declared sample size and time budget, read-only; a failure names the first orphans."""

from __future__ import annotations

import pytest

from checks.lib import mongodb
from checks.lib.references import BudgetExceeded, count_orphans


def test_reference_has_no_orphans(target, connections, mongo_reference):
    database, ref = mongo_reference
    db = connections.mongo(mongodb.reader_login(target, database))[database]
    try:
        counted = count_orphans(db, ref)
    except BudgetExceeded:
        pytest.fail(f"{database}: reference {ref.name}: the orphan count did not finish within {ref.time_budget_ms} ms "
                    f"for {ref.sample} documents — fix: lower sample or raise time_budget_ms in the schema", pytrace=False)
    shown = ", ".join(f"_id {doc_id!r} ({ref.source_field} {value!r})" for doc_id, value in counted.orphans[:ref.show])
    assert not counted.orphans, (
        f"{database}: reference {ref.name}: {len(counted.orphans)} orphan(s) among the {counted.examined} newest "
        f"{ref.source_collection}: {shown} — fix: delete or re-point those documents, or restore the {ref.target_collection} they name")
