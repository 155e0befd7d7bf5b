"""On a replica set every reconciler command carries majority write concern, and index builds a commit quorum."""

from __future__ import annotations

from roles.mongodb.reconcile.schema import IndexSpec
from roles.mongodb.reconcile.writer import Writer


class RecordingDatabase:
    def __init__(self, sent):
        self.sent = sent

    def command(self, name, value, **fields):
        self.sent.append((name, value, fields))
        return {"ok": 1}


class RecordingClient:
    def __init__(self):
        self.sent = []

    def get_database(self, name, write_concern=None):
        return RecordingDatabase(self.sent)


def test_replica_set_writes_wait_for_a_majority():
    client = RecordingClient()
    writer = Writer(client, "bot_core", replica_set=True)
    writer.create_indexes("trades", (IndexSpec(name="x_1", keys={"x": 1}),))
    writer.coll_mod("trades", validator={})
    (name, _, create), (_, _, mod) = client.sent
    assert name == "createIndexes" and create["commitQuorum"] == "majority" and create["writeConcern"] == {"w": "majority"}
    assert mod["writeConcern"] == {"w": "majority"}


def test_single_node_takes_the_defaults():
    client = RecordingClient()
    Writer(client, "bot_core", replica_set=False).create_indexes("t", (IndexSpec(name="x_1", keys={"x": 1}),))
    assert "commitQuorum" not in client.sent[0][2] and "writeConcern" not in client.sent[0][2]
