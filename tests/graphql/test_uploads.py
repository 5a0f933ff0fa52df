"""File uploads (GraphQL multipart request spec), attachments per record, and the download route.

Requests are real ``multipart/form-data`` posts with the ``operations``, ``map`` and file form fields,
as Apollo/urql upload clients send them.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tenon.core.models import Attachment, User
from tenon.core.testing import create_user

UPLOAD = """mutation($f: Upload!, $t: String, $i: String) {
  attachmentUpload(file: $f, entityType: $t, entityId: $i) {
    id filename contentType size sha256 entityType entityId createdBy downloadUrl
  }
}"""
LIST = """query($t: String, $i: String) {
  attachments(entityType: $t, entityId: $i) { totalCount nodes { id filename contentType } }
}"""


def png(width: int = 1, height: int = 1, extra: int = 0) -> bytes:
    """A valid PNG (grey pixels); ``extra`` bytes of a private ancillary chunk make it bigger."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw))
    if extra:
        body += chunk(b"teSt", b"x" * extra)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def upload(client: Any, token: str | None, data: bytes, *, filename: str = "photo.png",
           content_type: str = "image/png", entity_type: str | None = None, entity_id: str | None = None,
           query: str = UPLOAD, extra_headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST a GraphQL multipart request uploading ``data`` as variable ``f``; returns the JSON body."""
    operations = {"query": query, "variables": {"f": None, "t": entity_type, "i": entity_id}}
    headers = dict(extra_headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (filename, data, content_type)},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def stored_files(app: Any) -> list[Path]:
    root = app.site.attachments_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attachment_rows(app: Any) -> int:
    with app.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(Attachment)))


def user_id(app: Any, username: str) -> str:
    with app.transaction() as s:
        return str(s.scalar(select(User.id).where(User.username == username)))


def test_upload_linked_to_a_record_then_list_and_download(make_app, make_client):
    """An admin attaches a PNG to rita's user record (core_user/<id>): the attachment reports the sniffed
    type, size and SHA-256; it is listed for that record; GET /attachments/<id> with a token returns the
    same bytes as a download; the file sits in the site's attachment store."""
    app = make_app(plugins=[])
    boss_token = create_user(app, "boss", roles=["admin"])
    create_user(app, "rita")
    client = make_client(app, boss_token)
    rita_id = user_id(app, "rita")
    data = png(2, 2)

    body = upload(client, boss_token, data, filename="C:\\scans\\badge.png", entity_type="core_user", entity_id=rita_id)
    assert not body.get("errors"), body
    att = body["data"]["attachmentUpload"]
    assert att | {"id": None, "downloadUrl": None} == {
        "id": None, "downloadUrl": None, "filename": "badge.png", "contentType": "image/png", "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "entityType": "core_user", "entityId": rita_id,
        "createdBy": "boss"}
    assert att["downloadUrl"] == f"/attachments/{att['id']}"

    listed = client.ok(LIST, {"t": "core_user", "i": rita_id})["attachments"]
    assert listed == {"totalCount": 1, "nodes": [{"id": att["id"], "filename": "badge.png", "contentType": "image/png"}]}

    response = client.http.get(att["downloadUrl"], headers={"Authorization": f"Bearer {boss_token}"})
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"].startswith("image/png")
    assert response.headers["content-disposition"].startswith("attachment")
    assert "badge.png" in response.headers["content-disposition"]
    assert response.headers["x-content-type-options"] == "nosniff"

    files = stored_files(app)
    assert len(files) == 1 and files[0].read_bytes() == data
    assert app.site.attachments_dir in files[0].parents


def test_download_needs_a_token_and_the_right_to_read_the_record(make_app, make_client):
    """Rita may not read user records (no core.user read): she can neither list nor download the badge
    attached to her user record (FORBIDDEN, 404); without a token the route answers 401; an unknown id 404."""
    app = make_app(plugins=[])
    boss_token = create_user(app, "boss", roles=["admin"])
    rita_token = create_user(app, "rita")
    client = make_client(app, boss_token)
    rita_id = user_id(app, "rita")
    att = upload(client, boss_token, png(), entity_type="core_user", entity_id=rita_id)["data"]["attachmentUpload"]
    rita = client.as_token(rita_token)

    assert rita.error(LIST, {"t": "core_user", "i": rita_id})["extensions"]["code"] == "FORBIDDEN"
    denied = client.http.get(att["downloadUrl"], headers={"Authorization": f"Bearer {rita_token}"})
    assert denied.status_code == 404 and denied.json()["error"]["code"] == "NOT_FOUND"
    anon = client.http.get(att["downloadUrl"])
    assert anon.status_code == 401 and anon.json()["error"]["code"] == "UNAUTHENTICATED"
    bad = client.http.get(att["downloadUrl"], headers={"Authorization": "Bearer tnn_nope"})
    assert bad.status_code == 401
    missing = client.http.get("/attachments/999999", headers={"Authorization": f"Bearer {boss_token}"})
    assert missing.status_code == 404


def test_unlinked_uploads_belong_to_their_uploader(make_app, make_client):
    """Rita uploads a text note linked to nothing: she lists and downloads it; sam sees neither (his list
    is empty, his download 404); an admin (manage on core.attachment) may download it."""
    app = make_app(plugins=[])
    rita_token = create_user(app, "rita")
    sam_token = create_user(app, "sam")
    boss_token = create_user(app, "boss", roles=["admin"])
    client = make_client(app, rita_token)
    note = "Rework: 12 housings, burr on bore Ø32.\n".encode()

    att = upload(client, rita_token, note, filename="note.txt", content_type="text/plain")["data"]["attachmentUpload"]
    assert (att["contentType"], att["entityType"], att["entityId"]) == ("text/plain", None, None)
    assert client.ok(LIST)["attachments"]["totalCount"] == 1
    assert client.as_token(sam_token).ok(LIST)["attachments"]["totalCount"] == 0

    def get(token: str) -> Any:
        return client.http.get(att["downloadUrl"], headers={"Authorization": f"Bearer {token}"})

    assert get(rita_token).content == note
    assert get(sam_token).status_code == 404
    assert get(boss_token).status_code == 200


def test_too_large_is_refused_and_nothing_is_stored(make_app, make_client):
    """The site allows 1,000 bytes: a 2,000-byte PNG gives PAYLOAD_TOO_LARGE, no row and no file
    (not even a temporary one); a 900-byte one is accepted."""
    app = make_app(plugins=[], settings={"uploads": {"max_bytes": 1000}})
    token = create_user(app, "rita")
    client = make_client(app, token)
    big = png(extra=2000)
    assert len(big) > 2000

    err = upload(client, token, big)["errors"][0]
    assert err["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert err["extensions"]["field"] == "file"
    assert (attachment_rows(app), stored_files(app)) == (0, [])

    small = png(extra=900 - len(png()) - 12)
    assert len(small) == 900
    assert not upload(client, token, small).get("errors")
    assert attachment_rows(app) == 1


def test_content_is_checked_not_the_declared_type(make_app, make_client):
    """The site accepts PNG and JPEG only. A Windows executable declared as image/png, a PDF declared as
    a PDF (not accepted here), and a PNG declared as image/jpeg are UNSUPPORTED_MEDIA_TYPE with nothing
    stored; a PNG sent as application/octet-stream is stored as image/png; a JPEG as image/jpeg."""
    app = make_app(plugins=[], settings={"uploads": {"content_types": ["image/png", "image/jpeg"]}})
    token = create_user(app, "rita")
    client = make_client(app, token)

    for data, declared in ((EXE, "image/png"), (PDF, "application/pdf"), (png(), "image/jpeg"),
                           (b"just text\n", "text/plain")):
        err = upload(client, token, data, content_type=declared)["errors"][0]
        assert err["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE", (declared, err)
    assert (attachment_rows(app), stored_files(app)) == (0, [])

    ok = upload(client, token, png(), content_type="application/octet-stream")["data"]["attachmentUpload"]
    assert ok["contentType"] == "image/png"
    jpeg = upload(client, token, JPEG, filename="x.jpg", content_type="image/jpeg")["data"]["attachmentUpload"]
    assert jpeg["contentType"] == "image/jpeg"
    assert attachment_rows(app) == 2 and len(stored_files(app)) == 2


def test_default_site_accepts_pdf_and_rejects_an_empty_file(make_app, make_client):
    app = make_app(plugins=[])
    token = create_user(app, "rita")
    client = make_client(app, token)
    assert upload(client, token, PDF, filename="cert.pdf", content_type="application/pdf")[
        "data"]["attachmentUpload"]["contentType"] == "application/pdf"
    err = upload(client, token, b"", filename="empty.png")["errors"][0]
    assert err["extensions"] == {"code": "VALIDATION", "field": "file"}
    assert attachment_rows(app) == 1


def test_a_rolled_back_operation_leaves_neither_row_nor_file(make_app, make_client):
    """One mutation document uploads (which succeeds and moves the file into the store) and then
    creates a user with a too short password (VALIDATION): the whole operation rolls back, and the
    file is removed with it: 0 rows, 0 files, and no user."""
    app = make_app(plugins=[])
    token = create_user(app, "boss", roles=["admin"])
    client = make_client(app, token)
    query = """mutation($f: Upload!, $t: String, $i: String) {
      a: attachmentUpload(file: $f, entityType: $t, entityId: $i) { id }
      b: userCreate(input: {username: "newbie", password: "short"}) { id }
    }"""
    body = upload(client, token, png(), query=query)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert (attachment_rows(app), stored_files(app)) == (0, [])
    assert client.ok('{ users(filter: {search: "newbie"}) { totalCount } }')["users"]["totalCount"] == 0


def test_linking_checks_the_record(make_app, make_client):
    """Unknown table: VALIDATION on entityType; only one of the two: VALIDATION; no such user: NOT_FOUND;
    a record the uploader may not read: FORBIDDEN. Nothing is stored."""
    app = make_app(plugins=[])
    boss = create_user(app, "boss", roles=["admin"])
    rita = create_user(app, "rita")
    client = make_client(app, boss)

    def code(token: str, t: str | None, i: str | None) -> dict[str, Any]:
        return upload(client, token, png(), entity_type=t, entity_id=i)["errors"][0]["extensions"]

    assert code(boss, "no_such_table", "1") == {"code": "VALIDATION", "field": "entityType"}
    assert code(boss, "core_user", None)["code"] == "VALIDATION"
    assert code(boss, "core_user", "999999") == {"code": "NOT_FOUND", "field": "entityId"}
    assert code(boss, "core_user", "abc") == {"code": "VALIDATION", "field": "entityId"}
    assert code(rita, "core_user", user_id(app, "rita"))["code"] == "FORBIDDEN"
    assert (attachment_rows(app), stored_files(app)) == (0, [])


def test_upload_needs_a_signed_in_user_with_the_create_grant(make_app, make_client):
    """Anonymous: UNAUTHENTICATED. After the site revokes `user core.attachment create`: FORBIDDEN."""
    app = make_app(plugins=[])
    boss = create_user(app, "boss", roles=["admin"])
    rita = create_user(app, "rita")
    client = make_client(app, boss)
    assert upload(client, None, png())["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    client.ok("mutation($p: PolicyInput!) { policyRemove(policy: $p) }",
              {"p": {"role": "user", "object": "core.attachment", "action": "create"}})
    assert upload(client, rita, png())["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (attachment_rows(app), stored_files(app)) == (0, [])


def test_an_upload_resent_with_an_idempotency_key_is_stored_once(make_app, make_client):
    """The same file under key U1 twice: one attachment, the same answer; another file under U1: CONFLICT."""
    app = make_app(plugins=[])
    token = create_user(app, "rita")
    client = make_client(app, token)
    key = {"Idempotency-Key": "U1"}
    first = upload(client, token, png(), extra_headers=key)
    again = upload(client, token, png(), extra_headers=key)
    assert not first.get("errors") and again == first
    assert (attachment_rows(app), len(stored_files(app))) == (1, 1)
    other = upload(client, token, png(2, 2), extra_headers=key)
    assert other["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert (attachment_rows(app), len(stored_files(app))) == (1, 1)
