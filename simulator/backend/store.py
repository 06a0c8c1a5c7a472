"""The Journeys API's state in DynamoDB, through boto3 (moto in-process by default).

Table layout, designed for how moto performs (measured with moto 5.2.5 in-process on
this project's 2-core machine; ``benchmarks/bench_api.py`` measures the resulting
operations against the bare calls they make):

* A ``Query`` walks and sorts **every item of the table**, not the partition:
  18 ms at 1k items, 86 ms at 5k. ``GetItem``/``PutItem``/``UpdateItem`` cost
  ~1.2–2.5 ms whatever the table size.
* Every returned **attribute value** costs ~0.1 ms to serialise: 50 items × 12
  attributes take 60 ms to list; the same 50 items projected to one JSON attribute
  take 14 ms. A 200-entry audit read as 200 items of 6 attributes takes ~130 ms.
* ``TransactWriteItems`` deep-copies **every table it touches**: a transaction on a
  1-item table plus a 5k-item table takes 185 ms, on the small table alone 3 ms.

Hence one table per entity kind, few attributes per item, no query on a hot path that
reads a growing table, and blobs (zlib JSON, see :mod:`simulator.backend.records`):

==================  ==================  =================================================
table               key                 attributes
==================  ==================  =================================================
``<p>-journeys``    ws, id              ``meta`` (the list entry, JSON), ``doc`` (the
                                        draft blob, absent without a draft),
                                        ``updatedAt``, ``auditSeq`` (conditions)
``<p>-versions``    journey, version    ``doc`` (blob), ``meta`` (publishedAt/By, pins),
                                        ``comms`` (blob: the pinned communications)
``<p>-audit``       journey, page       ``entries``: list of JSON entries, 25 a page
``<p>-documents``   ws, key             ``doc``: workspace / communication / segment /
                                        trigger / subject, ``key`` = ``kind#id``;
                                        ``by`` = ``api`` on one the API wrote
``<p>-members``     token (sha256)      ``member`` JSON: workspace id, user id, role
==================  ==================  =================================================

Listing journeys is the one query on a hot path; its table holds one item per journey.
Audit entries are numbered per journey by ``auditSeq`` on the journey item, so the
newest 200 are read with one ``BatchGetItem`` of at most 9 pages (~20 ms: the cost is
per entry returned) instead of a query over every entry ever written. Entries are
appended with ``list_append`` and never changed: the log is append-only. Pages stay
small because moto deep-copies the item it updates (an append to a 100-entry page
costs ~1 ms more than to an empty one). The alternative, one item per entry, writes
~1.5 ms faster (a plain ``PutItem``) but reads the newest 200 twice as slowly even
projected to one attribute (48 ms against 24 ms, measured side by side): pages won
because the audit panel is read on every visit of a journey.

Writes: every journey mutation is one conditional write on ``updatedAt`` *and*
``auditSeq`` of the record it was computed from, which also reserves the sequence
numbers of its audit entries; the entries are written right after. Publish is a
``TransactWriteItems`` of the version (``attribute_not_exists``: versions are written
once) and the journey pointer; the audit table stays out of the transaction because
it is the one table that grows without bound (the cost above). A crash between a
write and its audit entry leaves a visible gap in the sequence, never a reordering.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from simulator.backend.records import (
    AuditEntry,
    JourneyRecord,
    VersionRecord,
    decode_blob,
    encode_blob,
)
from simulator.backend.tables import (
    AlreadyExists,
    ItemTooLarge,
    StaleWrite,
    StoreFailure,
    Tables,
    _n,
    _s,
)
from simulator.models import Journey

__all__ = [
    "AUDIT_PAGE_SIZE",
    "AlreadyExists",
    "ItemTooLarge",
    "MemberRecord",
    "StaleWrite",
    "Store",
    "StoreFailure",
    "token_digest",
]

AUDIT_PAGE_SIZE = 25
_BY_API = "api"


@dataclass(frozen=True)
class MemberRecord:
    workspace_id: str
    user_id: str
    role: str


def token_digest(token: str) -> str:
    """Members are keyed by a digest, so the table never holds a bearer token.

    >>> token_digest("tok")[:12]
    '1a7674eb4ee7'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def journey_key(workspace_id: str, journey_id: str) -> str:
    # Journey ids never contain '#', so the last '#' separates the two parts.
    return f"{workspace_id}#{journey_id}"


class Store(Tables):
    """Journeys, versions, audit, workspace documents and members in five tables."""

    _generation = 0
    _generation_lock = threading.Lock()

    @property
    def journeys_generation(self) -> int:
        """Bumped before and after every write that can change a journey's list entry
        (create, replace, publish, a restore), under a lock (the API's routes run on a
        thread pool): a reader that sees the same number before and after its read may
        keep the list it read until the number moves (the runtime does, to find the
        journeys an event triggers without a query per event). The list is read with
        ``ConsistentRead``, so a write this process made is in it. Like the runtime's
        tables (:mod:`simulator.runtime.kv`), this assumes one process owns the
        tables: journeys another process writes bump no number here, and are seen by
        the runtime after a restart."""
        return self._generation

    def _journeys_changing(self) -> None:
        with self._generation_lock:
            self._generation += 1

    def reloaded(self) -> None:
        """As :meth:`Tables.reloaded`; the journey lists read before are stale too."""
        self._journeys_changing()
        super().reloaded()

    # --- journeys ---------------------------------------------------------------------

    def journeys(self, workspace_id: str) -> list[dict[str, Any]]:
        """The list entries of every journey of a workspace (the one hot-path query)."""
        items = self._query(
            self.journeys_table,
            "ws = :ws",
            {":ws": _s(workspace_id)},
            projection="meta",
            consistent=True,
        )
        return sorted((json.loads(item["meta"]["S"]) for item in items), key=lambda m: m["id"])

    def journey(
        self, workspace_id: str, journey_id: str, *, with_draft: bool = True
    ) -> JourneyRecord | None:
        kwargs: dict[str, Any] = {}
        if not with_draft:
            kwargs["ProjectionExpression"] = "meta, auditSeq"
        item = self._call(
            "get_item",
            TableName=self.journeys_table,
            Key={"ws": _s(workspace_id), "id": _s(journey_id)},
            ConsistentRead=True,
            **kwargs,
        ).get("Item")
        if item is None:
            return None
        draft = None
        if "doc" in item:
            draft = Journey.model_validate(decode_blob(item["doc"]["B"]))
        return JourneyRecord.from_summary(
            workspace_id,
            json.loads(item["meta"]["S"]),
            audit_seq=int(item["auditSeq"]["N"]),
            draft=draft,
        )

    def _journey_item(self, record: JourneyRecord, draft_blob: bytes | None) -> dict[str, Any]:
        item = {
            "ws": _s(record.workspace_id),
            "id": _s(record.journey_id),
            "meta": _s(json.dumps(record.summary(), separators=(",", ":"))),
            "updatedAt": _s(record.updated_at),
            "auditSeq": _n(record.audit_seq),
        }
        if draft_blob is not None:
            item["doc"] = {"B": draft_blob}
        return item

    def create_journey(self, record: JourneyRecord, draft_blob: bytes | None) -> None:
        """Put a new journey; :class:`AlreadyExists` if the id is taken."""
        self._journeys_changing()
        try:
            self._call(
                "put_item",
                TableName=self.journeys_table,
                Item=self._journey_item(record, draft_blob),
                ConditionExpression="attribute_not_exists(id)",
            )
        except self.db.exceptions.ConditionalCheckFailedException as exc:
            raise AlreadyExists(record.journey_id) from exc
        finally:
            self._journeys_changing()

    def _replace_put(self, record: JourneyRecord, draft_blob: bytes | None, expected):
        return {
            "TableName": self.journeys_table,
            "Item": self._journey_item(record, draft_blob),
            "ConditionExpression": "updatedAt = :u AND auditSeq = :s",
            "ExpressionAttributeValues": {
                ":u": _s(expected.updated_at),
                ":s": _n(expected.audit_seq),
            },
        }

    def replace_journey(
        self, record: JourneyRecord, draft_blob: bytes | None, *, expected: JourneyRecord
    ) -> None:
        """Write ``record`` if the stored one is still ``expected``, else :class:`StaleWrite`."""
        self._journeys_changing()
        try:
            self._call("put_item", **self._replace_put(record, draft_blob, expected))
        except self.db.exceptions.ConditionalCheckFailedException as exc:
            raise StaleWrite(record.journey_id) from exc
        finally:
            self._journeys_changing()

    def publish(
        self, record: JourneyRecord, version: VersionRecord, *, expected: JourneyRecord
    ) -> None:
        """Atomically: version N if absent, and the journey pointer if unchanged."""
        version_put = {
            "TableName": self.versions_table,
            "Item": {
                "journey": _s(journey_key(record.workspace_id, record.journey_id)),
                "version": _n(version.version),
                "doc": {"B": encode_blob(version.journey.to_wire())},
                "meta": _s(json.dumps(version.meta(), separators=(",", ":"))),
                **(
                    {"comms": {"B": encode_blob(version.communications)}}
                    if version.communications
                    else {}
                ),
            },
            "ConditionExpression": "attribute_not_exists(version)",
        }
        self._journeys_changing()
        try:
            self._call(
                "transact_write_items",
                TransactItems=[
                    {"Put": version_put},
                    {"Put": self._replace_put(record, None, expected)},
                ],
            )
        except self.db.exceptions.TransactionCanceledException as exc:
            raise StaleWrite(record.journey_id) from exc
        finally:
            self._journeys_changing()

    def _batch_write(self, table: str, requests: list[dict]) -> None:
        if table == self.journeys_table:
            self._journeys_changing()
        try:
            super()._batch_write(table, requests)
        finally:
            if table == self.journeys_table:
                self._journeys_changing()

    def version(self, workspace_id: str, journey_id: str, number: int) -> VersionRecord | None:
        item = self._call(
            "get_item",
            TableName=self.versions_table,
            Key={"journey": _s(journey_key(workspace_id, journey_id)), "version": _n(number)},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return None
        meta = json.loads(item["meta"]["S"])
        return VersionRecord(
            version=number,
            journey=Journey.model_validate(decode_blob(item["doc"]["B"])),
            published_at=meta["publishedAt"],
            published_by=meta["publishedBy"],
            pins=meta.get("pins", {}),
            communications=decode_blob(item["comms"]["B"]) if "comms" in item else {},
        )

    # --- audit ------------------------------------------------------------------------

    def reserve_audit(
        self, workspace_id: str, journey_id: str, count: int
    ) -> tuple[int, str | None]:
        """Reserve ``count`` sequence numbers; returns the last one and the journey's
        ``updatedAt`` as of the reservation, the earliest the entries may be stamped
        (:func:`~simulator.backend.records.audit_stamp`): every entry of a lower seq
        written by a journey mutation carries an ``updatedAt`` no later than it, since
        a mutation writes its ``updatedAt`` and reserves its seqs in one write."""
        response = self._call(
            "update_item",
            TableName=self.journeys_table,
            Key={"ws": _s(workspace_id), "id": _s(journey_id)},
            UpdateExpression="ADD auditSeq :k",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeValues={":k": _n(count)},
            ReturnValues="ALL_NEW",
        )
        item = response["Attributes"]
        return int(item["auditSeq"]["N"]), item.get("updatedAt", {}).get("S")

    def append_audit(self, workspace_id: str, journey_id: str, entries: Iterable[AuditEntry]):
        """Append entries (whose ``seq`` was reserved) to their pages."""
        pages: dict[int, list[AuditEntry]] = {}
        for entry in entries:
            pages.setdefault((entry.seq - 1) // AUDIT_PAGE_SIZE, []).append(entry)
        key = journey_key(workspace_id, journey_id)
        for page, chunk in pages.items():
            self._call(
                "update_item",
                TableName=self.audit_table,
                Key={"journey": _s(key), "page": _n(page)},
                UpdateExpression="SET entries = list_append(if_not_exists(entries, :e), :new)",
                ExpressionAttributeValues={
                    ":e": {"L": []},
                    ":new": {"L": [_s(json.dumps(e.to_wire())) for e in chunk]},
                },
            )

    def audit(
        self, workspace_id: str, journey_id: str, *, newest: int, limit: int
    ) -> list[AuditEntry]:
        """Up to ``limit`` entries with ``seq <= newest``, newest first."""
        if newest < 1 or limit < 1:
            return []
        lowest = max(1, newest - limit + 1)
        pages = range((newest - 1) // AUDIT_PAGE_SIZE, (lowest - 1) // AUDIT_PAGE_SIZE - 1, -1)
        key = journey_key(workspace_id, journey_id)
        keys = [{"journey": _s(key), "page": _n(page)} for page in pages]
        entries = [
            AuditEntry.from_wire(json.loads(value["S"]))
            for item in self._batch_get(self.audit_table, keys)
            for value in item.get("entries", {}).get("L", [])
        ]
        chosen = [e for e in entries if lowest <= e.seq <= newest]
        return sorted(chosen, key=lambda e: e.seq, reverse=True)

    # --- workspace documents and members ----------------------------------------------

    def document_items(self, workspace_id: str) -> list[tuple[str, Any]]:
        """Every ``(kind#id, document)`` of a workspace (loaded once, then cached)."""
        items = self._query(self.documents_table, "ws = :ws", {":ws": _s(workspace_id)})
        return [(item["key"]["S"], decode_blob(item["doc"]["B"])) for item in items]

    def document(self, workspace_id: str, key: str) -> Any | None:
        item = self._call(
            "get_item",
            TableName=self.documents_table,
            Key={"ws": _s(workspace_id), "key": _s(key)},
        ).get("Item")
        return None if item is None else decode_blob(item["doc"]["B"])

    def document_keys(self, workspace_id: str) -> dict[str, bool]:
        """Every document key of a workspace, and whether the API wrote that document
        (``by`` = ``api``: :meth:`write_documents` with ``by_api``)."""
        items = self._query(
            self.documents_table,
            "ws = :ws",
            {":ws": _s(workspace_id)},
            projection="#k, #by",
            names={"#by": "by"},  # a reserved word
        )
        return {item["key"]["S"]: item.get("by", {}).get("S") == _BY_API for item in items}

    def write_documents(
        self,
        workspace_id: str,
        documents: dict[str, Any],
        *,
        delete: Iterable[str] = (),
        by_api: bool = False,
    ) -> None:
        """Put ``documents`` (``kind#id`` → JSON), each replacing its key's item whole,
        and delete the keys ``delete``. ``by_api`` marks them as written through the API
        (:meth:`document_keys` tells them apart from a project's)."""
        mark = {"by": _s(_BY_API)} if by_api else {}
        requests = [
            {"DeleteRequest": {"Key": {"ws": _s(workspace_id), "key": _s(key)}}}
            for key in sorted(delete)
        ] + [
            {
                "PutRequest": {
                    "Item": {
                        "ws": _s(workspace_id),
                        "key": _s(key),
                        "doc": {"B": encode_blob(doc)},
                        **mark,
                    }
                }
            }
            for key, doc in documents.items()
        ]
        self._batch_write(self.documents_table, requests)

    def member(self, token: str) -> MemberRecord | None:
        item = self._call(
            "get_item",
            TableName=self.members_table,
            Key={"token": _s(token_digest(token))},
        ).get("Item")
        if item is None:
            return None
        data = json.loads(item["member"]["S"])
        return MemberRecord(data["workspaceId"], data["userId"], data["role"])

    def replace_members(
        self, workspace_id: str, members: dict[str, MemberRecord], *, old_tokens: Iterable[str]
    ) -> None:
        """Point each token (raw, digested here) at its member; forget ``old_tokens``."""
        digests = {token_digest(t): m for t, m in members.items()}
        requests: list[dict[str, Any]] = [
            {"DeleteRequest": {"Key": {"token": _s(d)}}}
            for d in sorted({token_digest(t) for t in old_tokens} - set(digests))
        ]
        for digest, member in digests.items():
            payload = {"workspaceId": member.workspace_id, "userId": member.user_id}
            payload["role"] = member.role
            requests.append(
                {"PutRequest": {"Item": {"token": _s(digest), "member": _s(json.dumps(payload))}}}
            )
        self._batch_write(self.members_table, requests)
