"""The one place that writes to a viewer's socket past aiohttp's StreamResponse.

``StreamResponse.write`` costs a coroutine and a drain per frame and viewer, so
once a viewer has had its first frame through aiohttp, later frames are written
straight to ``request.transport``. That relies on facts of aiohttp that
``tests/test_viewer_socket.py`` pins, so that an aiohttp upgrade fails a test:

- after ``prepare()``, the response's Transfer-Encoding header tells the body
  framing aiohttp chose: ``chunked`` for HTTP/1.1, none (the body runs until
  the connection closes) for HTTP/1.0;
- ``request.transport`` is the client connection's asyncio transport, and
  after ``response.write()`` returns aiohttp holds nothing back: bytes written
  to the transport land in the body in order, between aiohttp's own chunks,
  and aiohttp's ``write_eof`` still ends the body validly;
- the transport's ``socket`` extra info is the TCP socket (its fd is what the
  kernel's send-queue probe asks about).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import sys
from typing import Final

from aiohttp import hdrs, web

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

# Linux ioctl SIOCOUTQNSD: bytes in a socket's send queue that the kernel has
# not sent yet (data in flight does not count). Non-zero when the next frame is
# due means the viewer's link is the bottleneck.
_SIOCOUTQNSD: Final = 0x894B


def chunk_of(part: bytes) -> bytes:
    """One part framed as an HTTP/1.1 chunk (Transfer-Encoding: chunked)."""
    return b"".join((b"%x\r\n" % len(part), part, b"\r\n"))


def body_is_chunked(response: web.StreamResponse) -> bool:
    """Whether aiohttp frames the prepared response's body as chunks."""
    return response.headers.get(hdrs.TRANSFER_ENCODING, "") == "chunked"


def socket_fd(transport: asyncio.BaseTransport | None) -> int:
    """File descriptor of a transport's socket (-1: none)."""
    sock = transport.get_extra_info("socket") if transport is not None else None
    return int(sock.fileno()) if sock is not None else -1


@dataclass(slots=True, eq=False)
class ViewerSocket:
    """A viewer's connection, written to in the framing of its response."""

    transport: asyncio.Transport | None
    chunked: bool = True
    fd: int = -1

    @classmethod
    def of(
        cls, transport: asyncio.Transport | None, chunked: bool = True
    ) -> ViewerSocket:
        """Return the socket under a request's transport (None: no connection)."""
        return cls(transport, chunked, socket_fd(transport))

    def is_gone(self) -> bool:
        """Whether the client has left (or there never was a connection)."""
        transport = self.transport
        return transport is None or transport.is_closing()

    def is_behind(self) -> bool:
        """Whether the previous write has not gone out yet (transport or kernel)."""
        assert self.transport is not None
        return bool(self.transport.get_write_buffer_size() or self.unsent_bytes())

    def unsent_bytes(self) -> int:
        """Bytes the kernel holds for the viewer and has not sent yet (0: unknown).

        Where the ioctl does not exist (not Linux) the viewer stops asking and
        only the transport's own buffer tells that it is behind.
        """
        if self.fd < 0 or fcntl is None:
            return 0
        try:
            value = fcntl.ioctl(self.fd, _SIOCOUTQNSD, b"\0\0\0\0")
        except OSError:
            self.fd = -1
            return 0
        return int.from_bytes(value, sys.byteorder, signed=True)

    def send(self, part: bytes, chunk: bytes | None) -> bytes | None:
        """Write one body part; ``chunk``: the part already framed, if built.

        Returns the chunk once built, for the next viewer of the same part.
        Only after aiohttp has written to the response itself (see above).
        """
        assert self.transport is not None
        if self.chunked:
            part = chunk = chunk or chunk_of(part)
        self.transport.write(part)
        return chunk
