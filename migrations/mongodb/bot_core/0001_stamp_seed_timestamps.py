"""Stamp created_at/updated_at on the seeded system_config documents.

The Bot Core report promises created_at and updated_at on every document; seeds are declared
without them (they would differ per environment), so this migration sets them once where missing.
down() removes the stamps it set (recognised by `stamped_by`).
"""

from datetime import UTC, datetime

MARK = "0001_stamp_seed_timestamps"


def up(db):
    now = datetime.now(UTC)
    db.system_config.update_many(
        {"created_at": {"$exists": False}},
        {"$set": {"created_at": now, "updated_at": now, "stamped_by": MARK}},
    )


def down(db):
    db.system_config.update_many({"stamped_by": MARK}, {"$unset": {"created_at": "", "updated_at": "", "stamped_by": ""}})
