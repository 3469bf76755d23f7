"""Raw HTTP replies for test cameras that send what the simulator never does."""

from __future__ import annotations


def http(
    body: bytes = b"",
    *,
    status: str = "200 OK",
    content_type: str = "text/plain",
    length: int | None = -1,
) -> bytes:
    """Build a raw reply; ``length`` -1: the body's, None: no header (read to EOF)."""
    head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", "Connection: close"]
    if length is not None:
        head.append(f"Content-Length: {len(body) if length < 0 else length}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body
