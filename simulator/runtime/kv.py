"""The runtime's tables: one DynamoDB table per entity kind, each a (pk, sk) → JSON map.

The runtime keeps its state in the same AWS session as the API's store (in-process
moto by default, a moto server or AWS by configuration). Every table has a string
partition key ``pk`` and sort key ``sk``; an item's data is JSON in ``b``, and counters
are numbers in ``n``.

**Mirrored, written in batches.** moto's query cost grows with the whole table
(MOTO-NOTES: a Query sorts every item of the table), and a dispatch touches six of
these tables, so each :class:`KvTable` keeps a mirror of its items in memory, read
with one ``Scan`` when the runtime starts (so a restored state file, or the tables an
earlier process wrote, are picked up), and serves every read from it. Writes change
the mirror at once and are queued; :func:`flush` writes the queue of every table with
``BatchWriteItem`` (25 items a request, across tables; several writes of one key in a
call become its last one), and the runtime flushes before each of its public calls
returns. So the tables in DynamoDB are what the runtime's answers say, after every
call, at a fraction of the calls. This assumes what the runtime already assumed: one
process owns its tables (one runtime per store, :attr:`Backend.runtime
<simulator.backend.service.Backend.runtime>`; what a second process writes to the same
tables, runtime items or journeys, the journey list being cached too
(:attr:`~simulator.backend.store.Store.journeys_generation`), is seen after a restart).
Put-if-absent and counter additions are decided on the mirror, under the runtime's
lock; a counter is written as its new total.

**The mirror follows DynamoDB.** An item over DynamoDB's size limit is refused by
:meth:`KvTable.put` before it reaches the mirror (:class:`RecordTooLarge`, ``413
payload_too_large``: no retry can store it). When :func:`flush` fails (DynamoDB
unreachable, a request refused, writes left unprocessed after bounded retries), some
of the queued writes may be stored and others not: every table that had writes queued
drops its mirror and its queue, and reads the table again on next use, so the
runtime's answers are again what DynamoDB holds (the runtime drops what it derived
from them, too).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from simulator.backend.errors import PayloadTooLarge
from simulator.backend.tables import MAX_ITEM_BYTES, StoreFailure, item_size, write_batch

__all__ = ["RUNTIME_TABLES", "KvTable", "RecordTooLarge", "flush"]

RUNTIME_TABLES = (
    "executions",
    "wakeups",
    "waits",
    "subjects",
    "outbox",
    "triggers",
    "counters",
)
"""The kinds the runtime stores, each in ``{prefix}-rt-{kind}``."""

_BATCH = 25  # DynamoDB's limit of items per BatchWriteItem
_DELETED = None


class RecordTooLarge(PayloadTooLarge):
    """A runtime record over DynamoDB's item limit (``413 payload_too_large``): an
    inbound event whose properties are too large to keep with its execution, say."""


class KvTable:
    """One runtime table: JSON items and counters under (pk, sk), mirrored in memory."""

    def __init__(self, session: Any, kind: str) -> None:
        self.session = session
        self.kind = kind
        self.name = f"{session.settings.table_prefix}-rt-{kind}"
        self._lock = threading.RLock()
        self._mirror: dict[str, dict[str, str | int]] | None = None
        """pk → sk → the stored JSON text (``b``) or counter (``n``)."""
        self._order: dict[str, list[str]] = {}
        """pk → its sort keys in order (dropped when a key is added or removed)."""
        self._queued: dict[tuple[str, str], str | int | None] = {}
        """Writes not yet in DynamoDB: (pk, sk) → the new value, ``None`` to delete."""

    @property
    def db(self) -> Any:
        return self.session.client("dynamodb")

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.db, operation)(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise StoreFailure(f"DynamoDB {operation} on {self.name} failed: {exc}") from exc

    def ensure(self) -> None:
        """Create the table if it is missing, then read it into the mirror."""
        from botocore.exceptions import ClientError

        db = self.db
        if self.name not in db.list_tables().get("TableNames", []):
            try:
                db.create_table(
                    TableName=self.name,
                    BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "sk", "AttributeType": "S"},
                    ],
                    KeySchema=[
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
                    raise StoreFailure(f"cannot create table {self.name}: {exc}") from exc
        with self._lock:
            self._mirror = None
            self._items()

    def ensure_read(self) -> None:
        """:meth:`ensure`, unless the mirror is read already (the table then exists): for
        a write that may come before the runtime's :meth:`~Runtime.ensure`."""
        with self._lock:
            if self._mirror is None:
                self.ensure()

    def _items(self) -> dict[str, dict[str, str | int]]:
        """The mirror, read with one ``Scan`` on first use."""
        if self._mirror is None:
            mirror: dict[str, dict[str, str | int]] = {}
            kwargs: dict[str, Any] = {"TableName": self.name, "ConsistentRead": True}
            while True:
                try:
                    response = self._call("scan", **kwargs)
                except StoreFailure as exc:
                    if _missing_table(exc):  # not created yet (ensure): nothing stored
                        return {}
                    raise
                for item in response.get("Items", []):
                    value = item["b"]["S"] if "b" in item else int(item["n"]["N"])
                    mirror.setdefault(item["pk"]["S"], {})[item["sk"]["S"]] = value
                if "LastEvaluatedKey" not in response:
                    break
                kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            self._mirror, self._order = mirror, {}
        return self._mirror

    def _set(self, pk: str, sk: str, value: str | int | None) -> None:
        partition = self._items().setdefault(pk, {})
        if value is _DELETED:
            if partition.pop(sk, None) is not None:
                self._order.pop(pk, None)
            if not partition:
                del self._mirror[pk]  # type: ignore[union-attr]
        else:
            if sk not in partition:
                self._order.pop(pk, None)
            partition[sk] = value
        self._queued[(pk, sk)] = value

    def put(self, pk: str, sk: str, data: Any, *, if_absent: bool = False) -> bool:
        """Write the item; with ``if_absent``, ``False`` (and no write) when it exists.
        :class:`RecordTooLarge` (and nothing written) when the item would pass
        DynamoDB's size limit."""
        text = json.dumps(data, separators=(",", ":"))
        size = item_size({"pk": {"S": pk}, "sk": {"S": sk}, "b": {"S": text}})
        if size > MAX_ITEM_BYTES:
            raise RecordTooLarge(
                f"the runtime cannot store this: its {self.kind} record would take {size} "
                f"bytes and DynamoDB items hold at most {MAX_ITEM_BYTES}; send smaller "
                "event properties",
                details=[{"record": self.kind, "limit": MAX_ITEM_BYTES, "size": size}],
            )
        with self._lock:
            if if_absent and sk in self._items().get(pk, {}):
                return False
            self._set(pk, sk, text)
            return True

    def get(self, pk: str, sk: str) -> Any | None:
        with self._lock:
            value = self._items().get(pk, {}).get(sk)
        return json.loads(value) if isinstance(value, str) else None

    def delete(self, pk: str, sk: str) -> None:
        with self._lock:
            self._set(pk, sk, _DELETED)

    def items(
        self, pk: str, prefix: str = "", *, upto: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[str, Any]]:
        """``(sk, data)`` of a partition in key order: those starting with ``prefix``,
        or (with ``upto``) every key at most ``upto``; at most ``limit`` items. The
        keys are chosen when this is called (not on first ``next``), so writes made
        while iterating do not change what is yielded; each item's data is decoded as
        it is yielded (a fresh copy: changing it changes nothing stored)."""
        return self._decoded(self._chosen(pk, prefix, upto, limit))

    def _chosen(
        self, pk: str, prefix: str, upto: str | None, limit: int | None
    ) -> list[tuple[str, str | int]]:
        with self._lock:
            partition = self._items().get(pk, {})
            order = self._order.get(pk)
            if order is None:
                order = self._order[pk] = sorted(partition)
            chosen = []
            for sk in order:
                if upto is not None:
                    if sk > upto:
                        break
                elif prefix and not sk.startswith(prefix):
                    if sk > prefix:
                        break
                    continue
                chosen.append((sk, partition[sk]))
                if limit is not None and len(chosen) >= limit:
                    break
        return chosen

    @staticmethod
    def _decoded(chosen: list[tuple[str, str | int]]) -> Iterator[tuple[str, Any]]:
        for sk, value in chosen:
            yield sk, json.loads(value) if isinstance(value, str) else value

    def add(self, pk: str, sk: str, amount: int = 1) -> int:
        """Add ``amount`` to the counter (created at 0); its new value."""
        with self._lock:
            current = self._items().get(pk, {}).get(sk, 0)
            total = (current if isinstance(current, int) else 0) + amount
            self._set(pk, sk, total)
            return total

    def counters(self, pk: str, prefix: str = "") -> dict[str, int]:
        return {sk: value for sk, value in self.items(pk, prefix) if isinstance(value, int)}

    def partitions(self) -> list[tuple[str, str]]:
        """Every ``(pk, sk)`` of the table, as of this call (a list: deleting while
        going through it is safe)."""
        with self._lock:
            return [(pk, sk) for pk, partition in self._items().items() for sk in partition]

    def forget(self) -> None:
        """Drop the mirror and the queued writes: the next read scans the table again
        (after a failed flush, what DynamoDB holds is what counts)."""
        with self._lock:
            self._mirror, self._order, self._queued = None, {}, {}

    def _requests(self) -> list[dict[str, Any]]:
        """The queued writes as ``BatchWriteItem`` requests (the queue is emptied)."""
        with self._lock:
            queued, self._queued = self._queued, {}
        requests = []
        for (pk, sk), value in queued.items():
            key = {"pk": {"S": pk}, "sk": {"S": sk}}
            if value is _DELETED:
                requests.append({"DeleteRequest": {"Key": key}})
            elif isinstance(value, str):
                requests.append({"PutRequest": {"Item": {**key, "b": {"S": value}}}})
            else:
                requests.append({"PutRequest": {"Item": {**key, "n": {"N": str(value)}}}})
        return requests


def _missing_table(exc: StoreFailure) -> bool:
    cause = getattr(exc.__cause__, "response", None) or {}
    return cause.get("Error", {}).get("Code") == "ResourceNotFoundException"


def flush(tables: Iterable[KvTable]) -> int:
    """Write the queued writes of ``tables`` with ``BatchWriteItem``; how many.

    On failure (:class:`StoreFailure`, or anything else raised while sending), every
    table that had writes queued forgets its mirror (:meth:`KvTable.forget`) before
    the error propagates: some of its writes may be stored and others not, and only
    reading the table again tells."""
    tables = list(tables)
    pending = [(table, request) for table in tables for request in table._requests()]
    if not pending:
        return 0
    try:
        for start in range(0, len(pending), _BATCH):
            batch: dict[str, list[dict[str, Any]]] = {}
            for table, request in pending[start : start + _BATCH]:
                batch.setdefault(table.name, []).append(request)
            write_batch(pending[0][0]._call, batch)
    except BaseException:
        for table in {id(table): table for table, _ in pending}.values():
            table.forget()
        raise
    return len(pending)
