"""Reading HTML form posts (urlencoded and multipart) with the standard library.

FastAPI's `Form`/`File` need the python-multipart package, which Progleton does not depend
on; the admin forms are few and small, so they are parsed here, with a size cap enforced
while the body arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request

MAX_FORM_BYTES = 64 * 1024
MAX_FIELDS = 100


@dataclass(slots=True)
class FormData:
    """Submitted fields (the first value of each name) and uploaded files' bytes."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        """A field's value, `default` if it was not sent."""
        return self.fields.get(name, default)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"The upload is too large (the limit is {limit // 1024} KB).")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"The upload is too large (the limit is {limit // 1024} KB).")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request, limit: int = MAX_FORM_BYTES) -> FormData:
    """Parse an `application/x-www-form-urlencoded` or `multipart/form-data` post."""
    content_type = request.headers.get("content-type", "")
    body = await read_body(request, limit)
    media = content_type.split(";", 1)[0].strip().lower()
    form = FormData()
    if not body:  # a button-only form may arrive with no body and no type: nothing was sent
        return form
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(
                body.decode("utf-8"),
                keep_blank_values=True,
                strict_parsing=False,
                max_num_fields=MAX_FIELDS,
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, "The form could not be read.") from exc
        for name, value in pairs:
            form.fields.setdefault(name, value)
        return form
    if media == "multipart/form-data":
        return _multipart(content_type, body)
    raise HTTPException(415, "Forms must be sent as a web form.")


def _multipart(content_type: str, body: bytes) -> FormData:
    # The email package parses MIME multipart bodies, which is what multipart/form-data is.
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise HTTPException(400, "The form could not be read.")
    form = FormData()
    for count, part in enumerate(message.iter_parts()):
        if count >= MAX_FIELDS:
            break
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            form.files.setdefault(name, data)
        else:
            charset = part.get_content_charset() or "utf-8"
            try:
                form.fields.setdefault(name, data.decode(charset, "replace"))
            except LookupError:  # an unknown charset name
                form.fields.setdefault(name, data.decode("utf-8", "replace"))
    return form
