"""A fake Socket Mode endpoint on 127.0.0.1: a minimal WebSocket server (RFC 6455, text frames, ping/pong).

slack_sdk's built-in Socket Mode client asks the Web API (`apps.connections.open`) for a URL; give it
`fake_socket.url` (ws://127.0.0.1:PORT/link: a non-443 port makes the client use a plain socket). `send()`
pushes an envelope to every connected client; every frame the client sends back (acks) lands in `received`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from typing import Any

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class FakeSocketMode:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link"

    @property
    def connected(self) -> int:
        with self._lock:
            return len(self._clients)

    def start(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)
        self._listener.close()
        with self._lock:
            for client in self._clients:
                client.close()

    def send(self, message: dict[str, Any]) -> None:
        with self._lock:
            for client in self._clients:
                _send_frame(client, 0x1, json.dumps(message).encode())

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = client.recv(1024)
                if not chunk:
                    return
                request += chunk
            headers = dict(line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line)
            key = headers.get("Sec-WebSocket-Key", headers.get("sec-websocket-key", ""))
            accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
            client.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
            with self._lock:
                self._clients.append(client)
                _send_frame(client, 0x1, json.dumps({"type": "hello", "num_connections": 1}).encode())
            self._read_frames(client)
        except OSError:
            pass
        finally:
            with self._lock:
                if client in self._clients:
                    self._clients.remove(client)
            client.close()

    def _read_frames(self, client: socket.socket) -> None:
        while not self._stopped.is_set():
            head = _recv_exact(client, 2)
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack("!H", _recv_exact(client, 2))[0]
            elif length == 127:
                length = struct.unpack("!Q", _recv_exact(client, 8))[0]
            mask = _recv_exact(client, 4) if head[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(_recv_exact(client, length)))
            if opcode == 0x8:  # close
                return
            with self._lock:
                if opcode == 0x9:  # ping -> pong
                    _send_frame(client, 0xA, payload)
                elif opcode == 0x1:
                    self.received.append(json.loads(payload))


def _recv_exact(client: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = client.recv(size - len(data))
        if not chunk:
            raise ConnectionResetError("the client went away")
        data += chunk
    return data


def _send_frame(client: socket.socket, opcode: int, payload: bytes) -> None:
    if len(payload) < 126:
        head = struct.pack("!BB", 0x80 | opcode, len(payload))
    elif len(payload) < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, len(payload))
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, len(payload))
    client.sendall(head + payload)
