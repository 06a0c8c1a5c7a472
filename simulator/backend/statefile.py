"""Served state in a file: every DynamoDB table of the store, dumped and restored.

``journeysim serve --state FILE`` keeps what the API stored across restarts. Nothing
here knows the store's layout: a dump is every table whose name starts with the
store's prefix (``<prefix>-…``: the store's five, and any table the runtime adds under
the same prefix), with its key schema, attribute definitions, secondary indexes and
items; a restore creates the tables that are missing and writes the items back. So a
table added later is kept without a change here.

The file is JSON (UTF-8, mode 0600: it holds the workspace's subjects)::

    {"format": "journeysim-state", "version": 1, "sha256": "<hex of the tables>",
     "tables": {"journeys": {"keySchema": [...], "attributeDefinitions": [...],
                             "globalSecondaryIndexes": [...], "items": [...]}, ...}}

Table names are stored without the prefix, so a state file restores under another
``JOURNEYSIM_TABLE_PREFIX`` too. Items keep DynamoDB's typed form, binary values in
base64. ``sha256`` covers the canonical JSON of ``tables``: a file that was cut short,
edited or damaged is refused (:class:`StateFileError`, ``invalid_state_file``) and
left as it is, never overwritten by a fresh state.

Writes (:meth:`StateKeeper.save`) are atomic: a temporary file in the same folder,
flushed and ``fsync``-ed, renamed over the old one, then the folder is ``fsync``-ed, so
a crash at any moment leaves the previous state or the new one. A save is done once
the rename is: should the folder's ``fsync`` fail after it, that is a warning in the
log, not a failed save, since the file already holds the write and undoing it in
memory alone would bring it back at the next start. A save dumps the
tables under :data:`~simulator.backend.aws.MOTO_LOCK`, so the snapshot is consistent.
Saves that queue up behind one another are coalesced: a save that starts after a
write finished includes it, so one dump can acknowledge several writes.

**A failed save is undone in memory.** The keeper holds the bytes of the last file
it wrote, or of the store it restored (:attr:`StateKeeper.kept`: the file's size, not
a parsed dump's three and a half times that). When a write's save fails, the
client is told the write was not kept (``503 store_unavailable``), so
:meth:`StateKeeper.rollback` puts every table back to that state
(:func:`put_back_tables`: only the items that differ are written or deleted) and
tells whoever keeps copies of the tables to read them again
(:meth:`~simulator.backend.tables.Tables.reloaded`). Memory then holds what the disk
holds, and the next successful save cannot carry the refused write to disk. A
rollback that fails is *owed* (:attr:`StateKeeper.owes_rollback`): memory may still
hold the refused write, so it is retried before any save
(:meth:`StateKeeper.settle`), and a save whose retry fails raises rather than write
it. Rolling
back undoes *every* write since the last good save, so it is right only when no other
write ran in between that a client was (or will be) told was kept:
:class:`~simulator.api.middleware.SaveAfterWrites` runs writing requests one at a
time for that reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from simulator.backend.aws import MOTO_LOCK
from simulator.backend.tables import StoreFailure, Tables
from simulator.codes import ApiErrorCode
from simulator.errors import InputError

__all__ = [
    "FORMAT",
    "VERSION",
    "StateFileError",
    "StateFileInUse",
    "StateKeeper",
    "decode_item",
    "decode_state",
    "dump_tables",
    "encode_item",
    "encode_state",
    "hold_state_file",
    "put_back_tables",
    "read_state",
    "restore_tables",
    "write_state",
]


log = logging.getLogger("journeysim.state")

FORMAT = "journeysim-state"
VERSION = 1
_BINARY = {"B", "BS"}


class StateFileError(InputError):
    """A state file that cannot be restored: refused, and left untouched."""

    code = ApiErrorCode.INVALID_STATE_FILE

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(
            f"{path}: {problem}; the file was left as it is: repair it, or move it away "
            "to start from the project alone",
            location=str(path),
        )


# --- items ----------------------------------------------------------------------------


def encode_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB item (boto3's typed form) as JSON: binary values in base64.

    >>> encode_item({"id": {"S": "a"}, "doc": {"B": b"\\x00\\xff"}, "l": {"L": [{"N": "1"}]}})
    {'id': {'S': 'a'}, 'doc': {'B': 'AP8='}, 'l': {'L': [{'N': '1'}]}}
    >>> decode_item(encode_item({"doc": {"BS": [b"x"]}}))
    {'doc': {'BS': [b'x']}}
    """
    return {name: _encode_value(value) for name, value in item.items()}


def decode_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`encode_item` (``ValueError`` on a malformed value)."""
    if not isinstance(item, Mapping):
        raise ValueError("an item is not an object")
    return {name: _decode_value(value) for name, value in item.items()}


def _encode_value(value: Mapping[str, Any]) -> dict[str, Any]:
    ((kind, data),) = value.items()
    if kind == "B":
        return {kind: base64.b64encode(data).decode("ascii")}
    if kind == "BS":
        return {kind: [base64.b64encode(element).decode("ascii") for element in data]}
    if kind == "L":
        return {kind: [_encode_value(element) for element in data]}
    if kind == "M":
        return {kind: {name: _encode_value(element) for name, element in data.items()}}
    return {kind: data}


def _decode_value(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping) or len(value) != 1:
        raise ValueError(f"not a typed DynamoDB value: {str(value)[:80]}")
    ((kind, data),) = value.items()
    if kind == "B":
        return {kind: base64.b64decode(data, validate=True)}
    if kind == "BS":
        return {kind: [base64.b64decode(element, validate=True) for element in data]}
    if kind == "L":
        return {kind: [_decode_value(element) for element in data]}
    if kind == "M":
        return {kind: {name: _decode_value(element) for name, element in data.items()}}
    if kind not in {"S", "N", "SS", "NS", "BOOL", "NULL"}:
        raise ValueError(f"unknown DynamoDB type {kind!r}")
    return {kind: data}


# --- tables ---------------------------------------------------------------------------


def _prefixed(db: Any, prefix: str) -> list[str]:
    names = []
    for page in db.get_paginator("list_tables").paginate():
        names.extend(name for name in page.get("TableNames", []) if name.startswith(prefix))
    return sorted(names)


def dump_tables(tables: Tables) -> dict[str, Any]:
    """Every table under the store's prefix: schema and items (JSON-ready)."""
    db = tables.db
    prefix = f"{tables.session.settings.table_prefix}-"
    dumped: dict[str, Any] = {}
    for name in _prefixed(db, prefix):
        description = db.describe_table(TableName=name)["Table"]
        entry: dict[str, Any] = {
            "keySchema": description["KeySchema"],
            "attributeDefinitions": description["AttributeDefinitions"],
        }
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            indexes = [
                {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
                for index in description.get(kind, [])
            ]
            if indexes:
                entry[kind[0].lower() + kind[1:]] = indexes
        items = []
        for page in db.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
            items.extend(encode_item(item) for item in page.get("Items", []))
        entry["items"] = sorted(items, key=_canonical)
        dumped[name[len(prefix) :]] = entry
    return dumped


def restore_tables(tables: Tables, dumped: Mapping[str, Any]) -> int:
    """Create the missing tables of a dump and write its items; returns the item count.
    A table that exists with another key schema is an error (``ValueError``)."""
    db = tables.db
    prefix = f"{tables.session.settings.table_prefix}-"
    existing = set(_prefixed(db, prefix))
    count = 0
    for suffix, entry in dumped.items():
        name = prefix + suffix
        if name in existing:
            current = db.describe_table(TableName=name)["Table"]["KeySchema"]
            if _keys(current) != _keys(entry["keySchema"]):
                raise ValueError(
                    f"table {suffix!r} is keyed {_keys(entry['keySchema'])} in the file but "
                    f"{_keys(current)} in the store"
                )
        else:
            _create(db, name, entry)
        items = [decode_item(item) for item in entry["items"]]
        tables._batch_write(name, [{"PutRequest": {"Item": item}} for item in items])
        count += len(items)
    return count


def put_back_tables(tables: Tables, dumped: Mapping[str, Any]) -> int:
    """Make every table under the store's prefix hold exactly the items of ``dumped``
    (as :func:`dump_tables` gave it); how many items were written or deleted. A table
    that the dump lacks is emptied, not dropped (whoever created it since uses it
    still); one the store lacks is created (:func:`restore_tables`). Items are compared
    in their encoded form, so only those that differ are written."""
    prefix = f"{tables.session.settings.table_prefix}-"
    current = dump_tables(tables)
    changed = 0
    for suffix, entry in current.items():
        names = [key["AttributeName"] for key in entry["keySchema"]]
        kept = {_item_key(item, names): item for item in dumped.get(suffix, {}).get("items", [])}
        held = {_item_key(item, names): item for item in entry["items"]}
        requests = [
            {"DeleteRequest": {"Key": decode_item({n: held[key][n] for n in names})}}
            for key in sorted(held.keys() - kept.keys())
        ] + [
            {"PutRequest": {"Item": decode_item(item)}}
            for key, item in sorted(kept.items())
            if held.get(key) != item
        ]
        tables._batch_write(prefix + suffix, requests)
        changed += len(requests)
    missing = {suffix: entry for suffix, entry in dumped.items() if suffix not in current}
    if missing:
        changed += restore_tables(tables, missing)
    return changed


def _item_key(item: Mapping[str, Any], names: list[str]) -> str:
    return _canonical([item[name] for name in names])


def _keys(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(key["AttributeName"], key["KeyType"]) for key in schema]


def _create(db: Any, name: str, entry: Mapping[str, Any]) -> None:
    kwargs: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": entry["keySchema"],
        "AttributeDefinitions": entry["attributeDefinitions"],
    }
    if entry.get("globalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = entry["globalSecondaryIndexes"]
    if entry.get("localSecondaryIndexes"):
        kwargs["LocalSecondaryIndexes"] = entry["localSecondaryIndexes"]
    db.create_table(**kwargs)
    db.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


# --- the file -------------------------------------------------------------------------


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _checksum(dumped: Any) -> str:
    return hashlib.sha256(_canonical(dumped).encode("utf-8")).hexdigest()


def read_state(path: Path) -> dict[str, Any] | None:
    """The tables of a state file; ``None`` when there is no file yet;
    :class:`StateFileError` when it cannot be trusted."""
    if path.is_dir():
        raise StateFileError(path, "is a folder, not a state file")
    if path.exists() and not path.is_file():  # a FIFO or a device: no place for a state
        raise StateFileError(path, "is not a regular file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise StateFileError(path, "is not a state file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        what = "is empty" if not raw.strip() else "is truncated or corrupt"
        where = (
            "" if not raw.strip() else f" (invalid JSON at line {exc.lineno}, column {exc.colno})"
        )
        raise StateFileError(path, f"{what}{where}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateFileError(path, f'is not a journeysim state file (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise StateFileError(
            path,
            f"is a state file of version {document.get('version')!r}; this journeysim "
            f"reads version {VERSION}",
        )
    dumped = document.get("tables")
    if not isinstance(dumped, dict) or document.get("sha256") != _checksum(dumped):
        raise StateFileError(path, "does not match its checksum: it was changed or damaged")
    for suffix, entry in dumped.items():
        problem = _entry_problem(entry)
        if problem:
            raise StateFileError(path, f"table {suffix!r}: {problem}")
    return dumped


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "not an object"
    for key in ("keySchema", "attributeDefinitions", "items"):
        if not isinstance(entry.get(key), list):
            return f"{key} is missing or not a list"
    try:
        for item in entry["items"]:
            decode_item(item)
    except (ValueError, TypeError, binascii.Error) as exc:
        return f"an item cannot be read: {exc}"
    return None


def encode_state(dumped: Mapping[str, Any]) -> bytes:
    """The content of a state file holding the tables ``dumped``."""
    document = {"format": FORMAT, "version": VERSION, "sha256": _checksum(dumped)}
    text = json.dumps({**document, "tables": dumped}, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def decode_state(data: bytes) -> dict[str, Any]:
    """The tables of what :func:`encode_state` gave (trusted: not checked again)."""
    return json.loads(data)["tables"]


def write_state(path: Path, dumped: Mapping[str, Any]) -> bytes:
    """Write a state file atomically and durably (see the module docstring); the
    bytes the file now holds. Through a symbolic link the file it points to is
    written; the link stays. ``OSError`` when the file was not replaced; once it was,
    the save is done, and a folder that cannot be synced after is a logged warning,
    not an error."""
    path = Path(os.path.realpath(path))
    data = encode_state(dumped)
    folder = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # The rename is done: the file holds the new state, and a rollback in memory would
    # now part memory from disk (the refused write back after a restart). A folder
    # that cannot be synced only leaves the rename to the kernel's next flush.
    try:
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as exc:
        log.warning("saved %s, but its folder could not be synced: %s", path, exc)
    return data


class StateFileInUse(InputError):
    """Another process keeps the state file (see :func:`hold_state_file`)."""

    code = "state_file_in_use"


@contextmanager
def hold_state_file(path: Path) -> Iterator[None]:
    """Keep ``path`` for this process while the block runs, or refuse at once.

    Two servers on one state file each saved their own store over the other's, so
    acknowledged writes of the one that saved first were lost without a word. A
    server holds an exclusive lock (``flock``) on ``.<name>.lock`` beside the file
    (not on the file itself, which each save replaces by a rename) for as long as it
    runs; a second one is refused (:class:`StateFileInUse`). The lock goes with the
    process, also when it is killed; the lock file stays, empty. The lock is the
    real file's, so a link to it (or another spelling of its path) is the same state
    file. Where ``fcntl`` is missing (Windows) nothing is locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    real = Path(os.path.realpath(path))
    lock = real.with_name(f".{real.name}.lock")
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateFileInUse(
                f"{path}: another journeysim serve keeps this state file (it holds the "
                f"lock {lock}); stop it first, or give this one another --state",
                location=str(path),
            ) from None
        yield
    finally:
        os.close(handle)


class StateKeeper:
    """Restores a store from a state file and saves it there after each write."""

    def __init__(self, tables: Tables, path: Path) -> None:
        self.tables = tables
        self.path = Path(path)
        self._requested = 0
        self._saved = 0
        self._counter = threading.Lock()
        self._writer = threading.Lock()
        self.kept: bytes | None = None
        """The state as the file holds it, in the file's own bytes: what the last save
        wrote, or the store just after a restore encoded as a save would write it
        (``None`` before either). :meth:`rollback` puts the store back to it.

        Bytes rather than the dump they encode: a dump of parsed JSON takes ~3.5 times
        the file's size for as long as the server runs, the bytes take the file's size;
        a rollback, which is rare, parses them. Not the file itself, read again: a
        rollback follows a failed save, when the disk (or the folder) may be what
        failed, and after a good save the file holds these very bytes."""
        self._rollback_owed = False

    def restore(self) -> int | None:
        """Load the file into the store: the number of items restored, ``None`` when
        there was no file yet. Refuses (``StateFileError``) a file it cannot trust."""
        dumped = read_state(self.path)
        if dumped is None:
            return None
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            with self._consistent():
                restored = restore_tables(self.tables, dumped)
                self.kept = encode_state(dump_tables(self.tables))
                return restored
        except KeyError as exc:
            raise StateFileError(self.path, f"cannot be restored: no {exc} in a table") from None
        except (ValueError, TypeError, StoreFailure, BotoCoreError, ClientError) as exc:
            # A checksum only says the file is as written: a file written by hand with a
            # fresh checksum may still hold what DynamoDB refuses (an item without its
            # key, a key with no attribute definition, "N": "x").
            said = " ".join(str(exc).split())  # botocore's are several lines
            raise StateFileError(self.path, f"cannot be restored: {said}") from None

    def save(self) -> None:
        """Dump every table and write the file; returns once a dump taken after this
        call began is on disk (possibly another caller's). A rollback that is owed
        (:attr:`owes_rollback`) is done first, and its failure raised: until it is
        done, memory holds a refused write that no save may carry to disk."""
        self.settle()
        with self._counter:
            self._requested += 1
            ticket = self._requested
        with self._writer:
            if self._saved >= ticket:
                return
            with self._counter:
                covered = self._requested
            with self._consistent():
                dumped = dump_tables(self.tables)
            self.kept = write_state(self.path, dumped)
            self._saved = covered

    def rollback(self) -> int:
        """Put the store back to the tables the file holds (:attr:`kept`), after a save
        failed, and have every copy of the tables read again
        (:meth:`~simulator.backend.tables.Tables.reloaded`); how many items changed.
        Every write since the last good save is undone (see the module docstring).
        ``RuntimeError`` when nothing was saved or restored yet: there is no state to
        go back to, and emptying the store would lose what was loaded."""
        with self._writer:
            if self.kept is None:
                raise RuntimeError("nothing was saved or restored yet: no state to go back to")
            self._rollback_owed = True  # until it is done, whatever fails on the way
            kept = decode_state(self.kept)  # before MOTO_LOCK: the store need not wait
            with self._consistent():
                changed = put_back_tables(self.tables, kept)
        # Outside MOTO_LOCK: reloading takes the runtime's lock, and a runtime call that
        # holds it may be waiting for MOTO_LOCK.
        self.tables.reloaded()
        self._rollback_owed = False
        return changed

    @property
    def owes_rollback(self) -> bool:
        """A :meth:`rollback` began and did not finish: memory may still hold a write
        that was refused. :meth:`settle` retries it; :meth:`save` will not run
        before it is done."""
        return self._rollback_owed

    def settle(self) -> None:
        """Retry a rollback that failed (:attr:`owes_rollback`), raising as it does;
        nothing when none is owed."""
        if self._rollback_owed:
            self.rollback()

    def _consistent(self):
        # In-process moto answers one request at a time under MOTO_LOCK: holding it
        # for the whole dump keeps any write from landing halfway through.
        in_process = self.tables.session.settings.uses_in_process_moto
        return MOTO_LOCK if in_process else nullcontext()
