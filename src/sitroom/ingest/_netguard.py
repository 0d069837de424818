"""Which URLs and addresses Sitroom may fetch: a guard against server-side request forgery.

A URL given to ``sitroom ingest`` or found in a feed is written by a stranger. Fetching it
from inside a network must not reach the machine's own services (loopback), the local
network (RFC 1918, unique-local IPv6), cloud metadata (link-local ``169.254.169.254``) or
other non-public addresses, unless the user says so (``allow_private=True``).

A host name is resolved once and *every* address it resolves to is checked; the caller then
connects to the checked address (see ``url.py``), so a DNS answer cannot change between the
check and the connection (DNS rebinding). Proxies from the environment are not used, since
they would do their own resolution.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

from sitroom.errors import UnsafeURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
ALLOW_HINT = "pass --allow-private (allow_private=True) if you really mean to fetch it"
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 / 8215).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 shared address space


def check_url(url: str | httpx.URL) -> httpx.URL:
    """Parse ``url``; raise :class:`UnsafeURL` unless it is an absolute http(s) URL.

    URLs with a user name or password are refused: they would send credentials to a server
    named by a stranger, and ``http://trusted.example@evil.example/`` misleads readers.
    """
    text = str(url)
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UnsafeURL(text, f"not a valid URL ({exc}); give an http:// or https:// URL") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        scheme = parsed.scheme or "(none)"
        raise UnsafeURL(text, f"scheme {scheme!r} refused; only http:// and https:// are fetched")
    if not parsed.host:
        raise UnsafeURL(text, "the URL has no host name; give a full URL such as https://host/path")
    if parsed.userinfo:
        raise UnsafeURL(text, "URLs with a user name or password are refused; remove the 'user@'")
    return parsed


def unsafe_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched by default, or None if it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "an IPv4-mapped IPv6 address"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = unsafe_reason(embedded)
            return f"an IPv6 address wrapping {embedded}, {inner}" if inner else None
    checks = (
        (address.is_unspecified, "the unspecified address"),
        (address.is_loopback, "a loopback address (this machine)"),
        (address.is_link_local, "a link-local address (e.g. cloud metadata)"),
        (address.is_multicast, "a multicast address"),
        (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT, "a CGNAT address"),
        (isinstance(address, ipaddress.IPv6Address) and address.is_site_local, "site-local"),
        (address.is_private, "a private network address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public internet address"),
    )
    for failed, reason in checks:
        if failed:
            return reason
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client address; the server part is public by design
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """All addresses ``host`` resolves to (an IP literal resolves to itself, without DNS)."""
    literal = _ip_literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(host, f"the host name does not resolve ({exc}); check the URL") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        # Drop an IPv6 zone ("fe80::1%eth0"): the address itself decides.
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_address(url: httpx.URL, *, allow_private: bool) -> IPAddress:
    """Resolve the host of ``url`` and return the address to connect to.

    Raise :class:`UnsafeURL` if any address the name resolves to is not public (unless
    ``allow_private``): one bad answer is enough, since a client may pick any of them.
    """
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = resolve_host(url.host, port)
    if not addresses:
        raise UnsafeURL(str(url), f"the host name {url.host!r} has no addresses")
    if not allow_private:
        for address in addresses:
            reason = unsafe_reason(address)
            if reason is not None:
                shown = url.host if _ip_literal(url.host) else f"{url.host} -> {address}"
                raise UnsafeURL(str(url), f"refused: {shown} is {reason}; {ALLOW_HINT}")
    # IPv4 first: without happy-eyeballs fallback, it is the family most hosts can reach.
    return min(addresses, key=lambda address: address.version)


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
