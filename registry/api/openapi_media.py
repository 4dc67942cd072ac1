"""OpenAPI for answers that come in more than one format: an operation whose successful answer
may also be CSV or PDF (``?format=csv``/``pdf``) declares those media types beside its default,
so clients and the schema checks (tests/security/test_schemathesis.py) know them."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, Schema


def answering_also(*media_types: str) -> type[Operation]:
    """The ``operation_class`` of a route whose 200 answer may also be one of ``media_types``."""

    @dataclass
    class AlsoAnswering(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            content = getattr(ok, "content", None)
            if ok is None or content is None:
                return
            for media_type in media_types:
                content.setdefault(
                    media_type,
                    OpenAPIMediaType(
                        schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                    ),
                )

    return AlsoAnswering
