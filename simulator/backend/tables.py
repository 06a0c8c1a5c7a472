"""The five DynamoDB tables of the store and the low-level calls on them.

Every call goes through :meth:`Tables._call`, which turns what DynamoDB (or the
network) refuses into :class:`StoreFailure` (the API answers ``503
store_unavailable``), except conditional-check failures, which the store interprets,
and items over DynamoDB's size limit: those are :class:`ItemTooLarge` (the API answers
``413 journey_too_large``, never "try again later"), measured before the put is sent
(:func:`item_size`) and recognised in DynamoDB's answer as well. Queries and batch
reads page until done; batch writes retry unprocessed items a bounded number of times,
with backoff (:func:`write_batch`, shared with the runtime's tables).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from simulator.backend.aws import AwsSession

__all__ = [
    "MAX_ITEM_BYTES",
    "AlreadyExists",
    "ItemTooLarge",
    "StaleWrite",
    "StoreFailure",
    "Tables",
    "item_size",
    "write_batch",
]

MAX_ITEM_BYTES = 400_000
"""DynamoDB's item limit ("400 KB"), read as the smaller 400,000 bytes."""


class StoreFailure(RuntimeError):
    """DynamoDB could not be reached or refused a request for a reason of its own."""


class StaleWrite(Exception):
    """A conditional write lost: the record changed since it was read."""


class AlreadyExists(Exception):
    """A put-if-absent found the item already there."""


class ItemTooLarge(Exception):
    """An item would pass DynamoDB's size limit: retrying cannot help."""

    def __init__(self, table: str, size: int | None, limit: int = MAX_ITEM_BYTES) -> None:
        super().__init__(f"an item of {table} takes {size or 'over'} bytes; the limit is {limit}")
        self.table = table
        self.size = size
        self.limit = limit


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: UTF-8 attribute names plus values
    (numbers by their digits, lists and maps with their per-element overhead).

    >>> item_size({"id": {"S": "héllo"}, "n": {"N": "12"}, "b": {"B": b"xyz"}})
    16
    >>> item_size({"l": {"L": [{"S": "ab"}, {"S": "c"}]}})
    9
    """
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode("utf-8"))
    if kind == "B":
        return len(data)
    if kind == "N":
        return len(data.lstrip("-")) // 2 + 2
    if kind == "L":
        return 3 + sum(1 + _value_size(element) for element in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + _value_size(v) for k, v in data.items())
    if kind in {"SS", "NS", "BS"}:
        return sum(_value_size({kind[0]: element}) for element in data)
    return 1  # BOOL, NULL


UNPROCESSED_RETRIES = 8
"""How many times :func:`write_batch` resends what DynamoDB left unprocessed."""


def write_batch(
    call: Callable[..., dict[str, Any]],
    requests: dict[str, list[dict[str, Any]]],
    *,
    retries: int = UNPROCESSED_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send one ``BatchWriteItem`` (at most 25 requests, by table) through ``call``
    (a ``_call(operation, **kwargs)``) and resend the ``UnprocessedItems`` DynamoDB
    answers, at most ``retries`` times, waiting 50 ms, then twice as long each time (at
    most 2 s: AWS's advice for throttled batches). :class:`StoreFailure` when writes
    are still unprocessed after that; which of them reached the table is then unknown
    to the caller, who must read the table again."""
    pending = requests
    for attempt in range(retries + 1):
        if attempt:
            sleep(min(0.05 * 2 ** (attempt - 1), 2.0))
        response = call("batch_write_item", RequestItems=pending)
        pending = response.get("UnprocessedItems") or {}
        if not pending:
            return
    left = sum(len(entries) for entries in pending.values())
    raise StoreFailure(
        f"DynamoDB left {left} batch writes unprocessed after {retries} retries "
        f"(tables {', '.join(sorted(pending))})"
    )


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


class Tables:
    """Table names under the session's prefix, their creation, and paged calls."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        prefix = session.settings.table_prefix
        self.journeys_table = f"{prefix}-journeys"
        self.versions_table = f"{prefix}-versions"
        self.audit_table = f"{prefix}-audit"
        self.documents_table = f"{prefix}-documents"
        self.members_table = f"{prefix}-members"
        self._reloads: list[Callable[[], None]] = []

    def when_reloaded(self, forget: Callable[[], None]) -> None:
        """Call ``forget`` whenever the tables were put back to an earlier state
        underneath (:meth:`reloaded`): whoever keeps copies of what they hold (the
        workspace directory, the runtime's mirrors) registers here."""
        self._reloads.append(forget)

    def reloaded(self) -> None:
        """The tables were put back to an earlier state (``serve --state`` undoing a
        write whose save failed): every registered copy is forgotten, in the order they
        registered."""
        for forget in self._reloads:
            forget()

    @property
    def db(self) -> Any:
        return self.session.client("dynamodb")

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        for table, item in _items_put(operation, kwargs):
            size = item_size(item)
            if size > MAX_ITEM_BYTES:
                raise ItemTooLarge(table, size)
        try:
            return getattr(self.db, operation)(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "")
            if code in {"ConditionalCheckFailedException", "TransactionCanceledException"}:
                raise
            if code == "ValidationException" and "size has exceeded" in error.get("Message", ""):
                raise ItemTooLarge(kwargs.get("TableName", "a table"), None) from exc
            raise StoreFailure(f"DynamoDB {operation} failed: {code or exc}") from exc
        except BotoCoreError as exc:
            raise StoreFailure(f"DynamoDB {operation} failed: {exc}") from exc

    def ensure_tables(self) -> None:
        """Create the five tables if they are missing (on-demand billing)."""
        specs = {
            self.journeys_table: (("ws", "S"), ("id", "S")),
            self.versions_table: (("journey", "S"), ("version", "N")),
            self.audit_table: (("journey", "S"), ("page", "N")),
            self.documents_table: (("ws", "S"), ("key", "S")),
            self.members_table: (("token", "S"), None),
        }
        existing = set(self._call("list_tables").get("TableNames", []))
        for name, (hash_key, range_key) in specs.items():
            if name not in existing:
                self._create_table(name, hash_key, range_key)

    def _create_table(self, name: str, hash_key: tuple, range_key: tuple | None) -> None:
        from botocore.exceptions import ClientError

        keys = [(hash_key, "HASH")] + ([(range_key, "RANGE")] if range_key else [])
        try:
            self.db.create_table(
                TableName=name,
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    {"AttributeName": a, "AttributeType": t} for (a, t), _ in keys
                ],
                KeySchema=[{"AttributeName": a, "KeyType": kind} for (a, _), kind in keys],
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise StoreFailure(f"cannot create table {name}: {exc}") from exc
        self.db.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )

    def _query(
        self,
        table: str,
        condition: str,
        values: dict,
        *,
        projection: str | None = None,
        names: dict[str, str] | None = None,
        consistent: bool = False,
    ) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        if consistent:
            kwargs["ConsistentRead"] = True
        if projection:
            kwargs["ProjectionExpression"] = projection
            aliases = {"#k": "key"} if "#k" in projection else {}
            if aliases or names:
                kwargs["ExpressionAttributeNames"] = {**aliases, **(names or {})}
        while True:
            response = self._call("query", **kwargs)
            yield from response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _batch_get(self, table: str, keys: list[dict]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request = {table: {"Keys": keys[start : start + 100], "ConsistentRead": True}}
            while request:
                response = self._call("batch_get_item", RequestItems=request)
                found.extend(response.get("Responses", {}).get(table, []))
                request = response.get("UnprocessedKeys") or {}
        return found

    def _batch_write(self, table: str, requests: list[dict]) -> None:
        for start in range(0, len(requests), 25):
            write_batch(self._call, {table: requests[start : start + 25]})


def _items_put(operation: str, kwargs: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if operation == "put_item":
        yield kwargs["TableName"], kwargs["Item"]
    elif operation == "transact_write_items":
        for entry in kwargs["TransactItems"]:
            if "Put" in entry:
                yield entry["Put"]["TableName"], entry["Put"]["Item"]
    elif operation == "batch_write_item":
        for table, requests in kwargs["RequestItems"].items():
            for request in requests:
                if "PutRequest" in request:
                    yield table, request["PutRequest"]["Item"]
