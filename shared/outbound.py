"""Where the suite may send what an outsider asked it to: the guard against server-side
request forgery (OWASP API7) for provider webhooks.

A webhook URL comes from the directory, which a coordinator edits; it must not make the
suite call itself or the network it runs in. A host is refused when it is, or resolves
to, an address that is not globally reachable (loopback, link-local 169.254.0.0/16 and
fe80::/10, the private ranges, carrier-grade NAT, multicast, reserved, documentation),
when it is `localhost` or one of the suite's own parts by name — unless it is named in
the allowed hosts (an NGO's server on a private network, say). The check runs when the
URL is written and again before each delivery, which then connects to the very address
it checked (the host is kept as `Host` and for TLS), so a name that changes its address
after the check (DNS rebinding) cannot redirect a delivery. Redirects are never followed.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

Resolver = Callable[[str, int], Awaitable[list[str]]]
_RESOLVE_TIMEOUT_SECONDS = 2.0


class UnsafeDestination(Exception):
    """The URL may not be called; the message says why, for the client or the log."""


async def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (empty when it does not resolve)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM),
            timeout=_RESOLVE_TIMEOUT_SECONDS,
        )
    except (OSError, TimeoutError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class Target:
    """Where to send a request: the URL (its host possibly replaced by the address that
    was checked), and what the request must then carry to still reach that host."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    # The name TLS must check the certificate against, when the URL names an address.
    server_name: str | None = None


class OutboundPolicy:
    def __init__(
        self,
        *,
        allowed_hosts: Iterable[str] = (),
        own_hosts: Iterable[str] = (),
        resolver: Resolver = resolve,
    ) -> None:
        self.allowed_hosts = frozenset(h.lower().rstrip(".") for h in allowed_hosts)
        self.own_hosts = frozenset(h.lower().rstrip(".") for h in own_hosts)
        self._resolve = resolver

    async def check(self, url: str) -> None:
        """At write time: refuse a URL whose host is, or resolves to, a refused address.
        A name that does not resolve yet is accepted; each delivery checks again."""
        host, port, literal = self._host(url)
        if host in self.allowed_hosts or literal:
            return
        for address in await self._resolve(host, port):
            if _refused_address(address):
                raise UnsafeDestination(f"{host} resolves to {address}, a non-public address.")

    async def target(self, url: str) -> Target:
        """At delivery: the address to connect to, checked now."""
        host, port, literal = self._host(url)
        if host in self.allowed_hosts or literal:
            return Target(url)
        addresses = await self._resolve(host, port)
        if not addresses:
            raise UnsafeDestination(f"{host} does not resolve.")
        for address in addresses:
            if _refused_address(address):
                raise UnsafeDestination(f"{host} resolves to {address}, a non-public address.")
        parts = urlsplit(url)
        address = addresses[0]
        netloc = f"[{address}]" if ":" in address else address
        if parts.port is not None:
            netloc += f":{parts.port}"
        return Target(
            urlunsplit(parts._replace(netloc=netloc)),
            headers={"Host": parts.netloc.rsplit("@", 1)[-1]},
            server_name=host,
        )

    def _host(self, url: str) -> tuple[str, int, bool]:
        """The URL's host, port and whether the host is an address (checked here)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if parts.scheme not in {"http", "https"} or not host:
            raise UnsafeDestination("Only http and https URLs with a host are called.")
        if parts.username is not None or parts.password is not None:
            raise UnsafeDestination("A URL with credentials in it is not called.")
        if host in self.allowed_hosts:
            return host, 0, False
        if host == "localhost" or host.endswith(".localhost") or host in self.own_hosts:
            raise UnsafeDestination(f"{host} is this suite or this machine.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise UnsafeDestination("The URL's port is not valid.") from exc
        try:
            literal = ipaddress.ip_address(host) is not None
        except ValueError:
            return host, port, False
        if _refused_address(host):
            raise UnsafeDestination(f"{host} is a non-public address.")
        return host, port, literal
