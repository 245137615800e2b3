"""WebSub subscriber endpoints: hubs verify our intent here and push new feed content here.

The protocol work (intent checks, HMAC signatures, ingesting pushed entries) lives in
`Pipeline`; these routes only translate HTTP.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request, Response

from progleton.pipeline import MAX_PUSH_BYTES, Pipeline

router = APIRouter(include_in_schema=False)


def _pipeline(request: Request) -> Pipeline:
    return cast(Pipeline, request.app.state.pipeline)


@router.get("/websub/{source_id}")
def verify_intent(
    request: Request,
    source_id: Annotated[int, Path(ge=1, lt=2**31)],
    mode: Annotated[str, Query(alias="hub.mode")] = "",
    topic: Annotated[str, Query(alias="hub.topic")] = "",
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=1000)] = "",
    lease_seconds: Annotated[int | None, Query(alias="hub.lease_seconds", ge=0, lt=2**31)] = None,
    reason: Annotated[str, Query(alias="hub.reason", max_length=1000)] = "",
) -> Response:
    """Answer a hub's verification of intent (echo the challenge) or record a denial."""
    answer = _pipeline(request).websub_verify(
        source_id, mode, topic, challenge, lease_seconds, reason
    )
    if answer is None:
        return Response(status_code=404, content="unknown subscription", media_type="text/plain")
    return Response(content=answer, media_type="text/plain")


@router.post("/websub/{source_id}", status_code=202)
async def receive(
    request: Request,
    tasks: BackgroundTasks,
    source_id: Annotated[int, Path(ge=1, lt=2**31)],
) -> Response:
    """Accept a pushed feed document; ingest it after answering if its signature is right."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_PUSH_BYTES:
            return Response(status_code=413, content="too large", media_type="text/plain")
    pipeline = _pipeline(request)
    signature = request.headers.get("x-hub-signature", "")
    content_type = request.headers.get("content-type")
    if pipeline.websub_signature_ok(source_id, bytes(body), signature):
        tasks.add_task(pipeline.websub_ingest, source_id, bytes(body), content_type)
    # WebSub: a bad signature is ignored locally but still acknowledged, so a forger learns
    # nothing about which subscriptions exist or which secrets are right.
    return Response(status_code=202)
