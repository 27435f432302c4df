"""A TCP proxy the tests can cut or slow: the database's network failing on demand.

``sever()`` models a network cut between the app and PostgreSQL *as the database sees the
worst of it*:

- the app's side of every open connection is reset at once (its next read or write fails,
  as when its host loses the route, or a NAT or pooler in between resets it), and new
  connections are refused until ``restore()``;
- the database's side is left open and silent: no FIN, no RST, and its keepalive probes are
  still answered (by this proxy's kernel). PostgreSQL learns nothing from TCP, so a backend
  that was in a transaction stays "idle in transaction" holding its row locks until its own
  timeouts end it (``idle_in_transaction_session_timeout``, ``statement_timeout``;
  ``core/db.py``). A real cut is like that: the side that is not told sees nothing
  until a timeout, and a client host that is gone, or a process frozen behind a live
  kernel, sends no FIN.

``sever(close_database_side=True)`` is the kind cut instead: PostgreSQL gets a FIN on
every connection and its backends exit at once (as when the app process exits normally).

``sever_after_next_send()`` cuts the same way right after the app's next packet reaches
PostgreSQL, before any answer can come back: a COMMIT that arrives but whose reply is lost.

Each connection's pair of sockets is shut down before it is closed, so a pump thread blocked
on a socket is woken and the peer is told at once: a socket closed while another thread is
still blocked on it stays open in the kernel, and would keep the database side alive by
accident (which once made the outcome of these tests depend on thread timing).
"""

from __future__ import annotations

import socket
import struct
import threading
import time


class _Pair:
    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client = client
        self.server = server
        self.dead = False  # cut: nothing more is forwarded either way, even after restore()


def _shut(sock: socket.socket, how: int = socket.SHUT_RDWR) -> None:
    try:
        sock.shutdown(how)
    except OSError:
        pass


def _close(sock: socket.socket) -> None:
    _shut(sock)
    try:
        sock.close()
    except OSError:
        pass


def _reset(sock: socket.socket) -> None:
    """Close with an RST (an abortive close): the app's next read or write fails at once."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    _shut(sock, socket.SHUT_RD)  # wakes the pump blocked on it without telling the peer
    try:
        sock.close()
    except OSError:
        pass


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.delay = 0.0
        self.cut = False
        self._pairs: list[_Pair] = []
        self._held: list[socket.socket] = []  # database sides left open by a cut
        self._cut_after_send = False
        self._lock = threading.Lock()
        self._running = True
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut or not self._running:
                _reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _reset(client)
                continue
            server.settimeout(None)  # an idle pooled connection is not a cut
            pair = _Pair(client, server)
            with self._lock:
                if self.cut or not self._running:
                    _reset(client)
                    _close(server)
                    continue
                self._pairs.append(pair)
            threading.Thread(target=self._pump, args=(pair, client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(pair, server, client), daemon=True).start()

    def _pump(self, pair: _Pair, src: socket.socket, dst: socket.socket) -> None:
        to_server = src is pair.client
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if pair.dead:
                    if to_server:
                        return  # the app's side was reset by sever(); it sends nothing more
                    continue  # the database's side: swallow whatever it says, keep it open
                if self.delay:
                    time.sleep(self.delay)
                if to_server and self._cut_after_send:
                    # The packet reaches PostgreSQL; whatever it answers is lost.
                    self._cut_after_send = False
                    self._sever(close_database_side=False, forwarding=pair, last=data)
                    return
                dst.sendall(data)
        except OSError:
            pass
        if pair.dead:
            if not to_server:  # PostgreSQL ended the session itself (a timeout): let it go
                _close(src)
            return
        # A side closed of its own accord: tell the other one, as a network would.
        pair.dead = True
        with self._lock:
            if pair in self._pairs:
                self._pairs.remove(pair)
        _close(src)
        _close(dst)

    def _sever(self, *, close_database_side: bool, forwarding: _Pair | None = None,
               last: bytes = b"") -> None:
        with self._lock:
            self.cut = True
            pairs, self._pairs = self._pairs, []
            for pair in pairs:
                pair.dead = True  # before anything else: no answer gets through from now on
        if forwarding is not None:
            try:
                forwarding.server.sendall(last)
            except OSError:
                pass
        for pair in pairs:
            _reset(pair.client)
            if close_database_side:
                _close(pair.server)
            else:
                with self._lock:
                    self._held.append(pair.server)

    def sever(self, *, close_database_side: bool = False) -> None:
        """Cut every connection now and refuse new ones until restore() (see the module doc)."""
        self._sever(close_database_side=close_database_side)

    def sever_after_next_send(self) -> None:
        """Cut as sever() does right after the app's next packet has reached PostgreSQL."""
        self._cut_after_send = True

    def restore(self) -> None:
        """Accept new connections again; the cut ones stay dead (as their peers left them)."""
        self._cut_after_send = False
        self.cut = False

    def close(self) -> None:
        """Stop, and close every socket (the held database sides too: a FIN at last)."""
        self._running = False
        self._sever(close_database_side=True)
        with self._lock:
            held, self._held = self._held, []
        for s in held:
            _close(s)
        _shut(self.listener)  # wakes the accept() blocked on it (closing alone would not)
        self.listener.close()
        self._acceptor.join(timeout=5)
