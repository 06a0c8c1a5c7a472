"""Workspaces in the store: their documents as a ``World``, and their members' tokens.

Workspace documents (the workspace, communications, segments, trigger contracts and
subjects) are written when a project folder is loaded (:meth:`WorkspaceDirectory.put_world`)
and, for communications, segments and trigger contracts, by ``import-bundle``
(:meth:`WorkspaceDirectory.put_documents`); each process keeps the ``World`` it read and
the members it resolved, and both writes refresh them. (Another process writing into
a shared store is seen after a restart.)

**What the API wrote outlives the project.** A store outlives a restart (``serve
--state``, a moto server, AWS), and the project is loaded again at each start. The
documents the API wrote are marked so in the store, and a load keeps them as they
are: a communication imported, or replaced with ``replace: true``, stays what the
import made it even where the project has a file of that id, and stays when the
project has none. Every other document is the project's: it is refreshed from the
project's file, and deleted once the project no longer has one. The workspace
document and the members always come from the project.

Member tokens are looked up across the whole store (the members table is keyed by the
token's digest), so a credential must name one member of one workspace: the workspace
model refuses repeats inside a workspace (``Workspace`` validation, as ``journeysim
validate`` reports them), and :meth:`WorkspaceDirectory.put_world` refuses a workspace
whose member token or ``syncApiKey`` is already a credential of *another* workspace in
the store (``400 invalid_document``), which no single file can show. Its message names
the place in the workspace being loaded, never the value nor the other workspace (no
existence leak between tenants). The API has no route that adds members: they come
only from workspace documents, through here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from simulator.backend.auth import Actor
from simulator.backend.errors import Unauthorized
from simulator.backend.store import MemberRecord, Store, token_digest
from simulator.errors import DocumentError
from simulator.models import Communication, Role, Segment, Subject, TriggerContract, Workspace
from simulator.world import World

__all__ = ["WorkspaceDirectory", "document_key"]

_KINDS: dict[str, type] = {
    "communication": Communication,
    "segment": Segment,
    "trigger": TriggerContract,
    "subject": Subject,
}


def document_key(kind: str, document_id: str) -> str:
    """The store key of a workspace document.

    >>> document_key("subject", "usr_1")
    'subject#usr_1'
    """
    return f"{kind}#{document_id}"


class WorkspaceDirectory:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._worlds: dict[str, World] = {}
        self._members: dict[str, MemberRecord] = {}
        self._lock = threading.Lock()
        store.when_reloaded(self.forget)

    def forget(self) -> None:
        """Drop the worlds and members read: the next use reads the store again (after
        its tables were put back to an earlier state, :meth:`Tables.reloaded`)."""
        with self._lock:
            self._worlds.clear()
            self._members.clear()

    def put_world(self, world: World) -> None:
        """Load a project's ``world``: its workspace document and members replace the
        store's; each of its documents replaces the store's copy, unless the API wrote
        that one (kept, see the module docstring); the project's documents of an
        earlier load that ``world`` no longer has are deleted."""
        workspace = world.workspace
        documents: dict[str, Any] = {document_key("workspace", ""): workspace.to_wire()}
        for kind, items in (
            ("communication", world.communications),
            ("segment", world.segments),
            ("trigger", world.trigger_contracts),
            ("subject", world.subjects),
        ):
            for document_id, model in items.items():
                documents[document_key(kind, document_id)] = model.to_wire()
        self._refuse_foreign_credentials(workspace)
        previous = self.store.document(workspace.id, document_key("workspace", ""))
        old_tokens = [m["token"] for m in (previous or {}).get("members", [])]
        members = {
            m.token: MemberRecord(workspace.id, m.user_id, m.role.value) for m in workspace.members
        }
        stored = self.store.document_keys(workspace.id)
        by_api = {key for key, written_by_api in stored.items() if written_by_api}
        by_api.discard(document_key("workspace", ""))
        self.store.write_documents(
            workspace.id,
            {key: doc for key, doc in documents.items() if key not in by_api},
            delete=set(stored) - set(documents) - by_api,
        )
        self.store.replace_members(workspace.id, members, old_tokens=old_tokens)
        with self._lock:
            if by_api:
                self._worlds.pop(workspace.id, None)  # the store's merge: read on first use
            else:
                self._worlds[workspace.id] = world
            self._members.clear()

    def put_documents(
        self,
        workspace_id: str,
        *,
        communications: Iterable[Communication] = (),
        segments: Iterable[Segment] = (),
        trigger_contracts: Iterable[TriggerContract] = (),
    ) -> None:
        """Write documents through the API (``import-bundle``): each replaces the
        store's document of its id whole, and is marked as the API's, so a later load
        of the project keeps it (:meth:`put_world`)."""
        given = {
            "communication": {d.id: d for d in communications},
            "segment": {d.id: d for d in segments},
            "trigger": {d.id: d for d in trigger_contracts},
        }
        documents = {
            document_key(kind, document_id): model.to_wire()
            for kind, models in given.items()
            for document_id, model in models.items()
        }
        if not documents:
            return
        self.store.write_documents(workspace_id, documents, by_api=True)
        with self._lock:  # onto the world held now: a concurrent write's stays in
            held = self._worlds.get(workspace_id)
            if held is not None:
                self._worlds[workspace_id] = replace(
                    held,
                    communications={**held.communications, **given["communication"]},
                    segments={**held.segments, **given["segment"]},
                    trigger_contracts={**held.trigger_contracts, **given["trigger"]},
                )

    def _refuse_foreign_credentials(self, workspace: Workspace) -> None:
        """``DocumentError`` when a credential of ``workspace`` is one of another
        workspace in the store: the lookup would hand that token to either member, or
        open one workspace's internal routes with another's member token."""
        own = [(f"/members/{i}/token", m.token) for i, m in enumerate(workspace.members)]
        if workspace.sync_api_key is not None:
            own.append(("/syncApiKey", workspace.sync_api_key))
        if not own:
            return
        # Raw documents, not models: a workspace stored by an older journeysim may not
        # validate any more, and it must not stop another from loading.
        foreign_keys = {
            (self.store.document(other, document_key("workspace", "")) or {}).get("syncApiKey")
            for other in self.known_workspaces()
            if other != workspace.id
        }
        for place, secret in own:
            member = self.store.member(secret)
            if secret in foreign_keys or (member and member.workspace_id != workspace.id):
                raise DocumentError(
                    f"workspace {workspace.id!r}: {place.lstrip('/')}: the value is already "
                    "a credential of another workspace in this store: give it one of its own",
                    location=place,
                    details=[{"path": place, "reason": "duplicate_credential"}],
                )

    def world(self, workspace_id: str) -> World:
        with self._lock:
            cached = self._worlds.get(workspace_id)
        if cached is not None:
            return cached
        world = self._read_world(workspace_id)
        with self._lock:
            return self._worlds.setdefault(workspace_id, world)

    def _read_world(self, workspace_id: str) -> World:
        workspace: Workspace | None = None
        found: dict[str, list[Any]] = {kind: [] for kind in _KINDS}
        for key, document in self.store.document_items(workspace_id):
            kind = key.partition("#")[0]
            if kind == "workspace":
                workspace = Workspace.model_validate(document)
            elif kind in _KINDS:
                found[kind].append(_KINDS[kind].model_validate(document))
        if workspace is None:
            raise LookupError(f"workspace {workspace_id!r} is not in the store")
        return World.of(
            workspace,
            communications=found["communication"],
            segments=found["segment"],
            trigger_contracts=found["trigger"],
            subjects=found["subject"],
        )

    def subject(self, workspace_id: str, end_user_id: str) -> Subject | None:
        known = self.world(workspace_id).subjects.get(end_user_id)
        if known is not None:
            return known
        document = self.store.document(workspace_id, document_key("subject", end_user_id))
        return None if document is None else Subject.model_validate(document)

    def forget_subject(self, workspace_id: str, end_user_id: str) -> int:
        """Delete the subject's profile document (GDPR erasure); 1 if there was one."""
        key = document_key("subject", end_user_id)
        existed = self.store.document(workspace_id, key) is not None
        if existed:
            self.store.db.delete_item(
                TableName=self.store.documents_table,
                Key={"ws": {"S": workspace_id}, "key": {"S": key}},
            )
        with self._lock:
            cached = self._worlds.get(workspace_id)
            if cached is not None and end_user_id in cached.subjects:
                subjects = {k: v for k, v in cached.subjects.items() if k != end_user_id}
                self._worlds[workspace_id] = replace(cached, subjects=subjects)
        return int(existed)

    def known_workspaces(self) -> list[str]:
        """Every workspace the store holds (the partitions with a workspace document)."""
        workspace = document_key("workspace", "")
        found = set()
        for page in self.store.db.get_paginator("scan").paginate(
            TableName=self.store.documents_table,
            ProjectionExpression="ws, #k",
            ExpressionAttributeNames={"#k": "key"},
        ):
            found |= {i["ws"]["S"] for i in page.get("Items", []) if i["key"]["S"] == workspace}
        return sorted(found)

    def is_member_token(self, token: str) -> bool:
        return self.store.member(token) is not None

    def authenticate(self, token: str | None) -> Actor:
        """The member a token belongs to, or ``401 unauthorized``."""
        if not token:
            raise Unauthorized(
                "authentication required: send 'Authorization: Bearer <token>' "
                "or a 'session' cookie"
            )
        digest = token_digest(token)
        with self._lock:
            member = self._members.get(digest)
        if member is None:
            member = self.store.member(token)
            if member is None:
                raise Unauthorized("the token is not a member token of any workspace")
            with self._lock:
                self._members[digest] = member
        return Actor(
            workspace_id=member.workspace_id, user_id=member.user_id, role=Role(member.role)
        )
