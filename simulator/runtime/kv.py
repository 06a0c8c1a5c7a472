"""The runtime's tables: one DynamoDB table per entity kind, each a (pk, sk) → JSON map.

The runtime keeps its state in the same AWS session as the API's store (in-process
moto by default, a moto server or AWS by configuration). Every table has a string
partition key ``pk`` and sort key ``sk``; an item's data is JSON in ``b``, and counters
are numbers in ``n`` bumped with ``UpdateItem ADD`` (atomic, no read). Tables are kept
small on the hot paths because moto's query cost grows with the whole table
(MOTO-NOTES): the due-dispatch scan reads only the wake-ups table, which holds one
item per execution that has somewhere to go.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from simulator.api.tables import StoreFailure

__all__ = ["RUNTIME_TABLES", "KvTable"]

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


class KvTable:
    """One runtime table: JSON items and counters under (pk, sk)."""

    def __init__(self, session: Any, kind: str) -> None:
        self.session = session
        self.name = f"{session.settings.table_prefix}-rt-{kind}"

    @property
    def db(self) -> Any:
        return self.session.client("dynamodb")

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.db, operation)(TableName=self.name, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise
            raise StoreFailure(f"DynamoDB {operation} on {self.name} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreFailure(f"DynamoDB {operation} on {self.name} failed: {exc}") from exc

    def ensure(self) -> None:
        from botocore.exceptions import ClientError

        db = self.db
        if self.name in db.list_tables().get("TableNames", []):
            return
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

    @staticmethod
    def _key(pk: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    def put(self, pk: str, sk: str, data: Any, *, if_absent: bool = False) -> bool:
        """Write the item; with ``if_absent``, ``False`` (and no write) when it exists."""
        from botocore.exceptions import ClientError

        kwargs: dict[str, Any] = {}
        if if_absent:
            kwargs["ConditionExpression"] = "attribute_not_exists(pk)"
        item = {**self._key(pk, sk), "b": {"S": json.dumps(data, separators=(",", ":"))}}
        try:
            self._call("put_item", Item=item, **kwargs)
        except ClientError:
            return False
        return True

    def get(self, pk: str, sk: str) -> Any | None:
        item = self._call("get_item", Key=self._key(pk, sk), ConsistentRead=True).get("Item")
        if item is None or "b" not in item:
            return None
        return json.loads(item["b"]["S"])

    def delete(self, pk: str, sk: str) -> None:
        self._call("delete_item", Key=self._key(pk, sk))

    def items(
        self, pk: str, prefix: str = "", *, upto: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[str, Any]]:
        """``(sk, data)`` of a partition in key order: those starting with ``prefix``,
        or (with ``upto``) every key at most ``upto``; at most ``limit`` items."""
        values: dict[str, Any] = {":pk": {"S": pk}}
        condition = "pk = :pk"
        if upto is not None:
            condition += " AND sk <= :upto"
            values[":upto"] = {"S": upto}
        elif prefix:
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = {"S": prefix}
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        if limit is not None:
            kwargs["Limit"] = limit
        count = 0
        while True:
            response = self._call("query", **kwargs)
            for item in response.get("Items", []):
                data = json.loads(item["b"]["S"]) if "b" in item else int(item["n"]["N"])
                yield item["sk"]["S"], data
                count += 1
                if limit is not None and count >= limit:
                    return
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def add(self, pk: str, sk: str, amount: int = 1) -> int:
        """Add ``amount`` to the counter (created at 0); its new value."""
        response = self._call(
            "update_item",
            Key=self._key(pk, sk),
            UpdateExpression="ADD n :amount",
            ExpressionAttributeValues={":amount": {"N": str(amount)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["n"]["N"])

    def counters(self, pk: str, prefix: str = "") -> dict[str, int]:
        return {sk: value for sk, value in self.items(pk, prefix) if isinstance(value, int)}

    def partitions(self) -> Iterator[tuple[str, str]]:
        """Every ``(pk, sk)`` of the table (erasure and the state file only)."""
        kwargs: dict[str, Any] = {"ProjectionExpression": "pk, sk"}
        while True:
            response = self._call("scan", **kwargs)
            for item in response.get("Items", []):
                yield item["pk"]["S"], item["sk"]["S"]
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
