"""Who is asking: the address of the person's own machine, also behind a reverse proxy.

``REMOTE_ADDR`` is the address that opened the connection. Behind a reverse proxy that is the
proxy, the same for everyone, and the person's address is in ``X-Forwarded-For``, which each proxy
appends to. Anyone can send that header with any address in it, so it is read only when the
connection comes from a proxy named in ``SSP_TRUSTED_PROXIES``, and only from the right: each
address a trusted proxy added is skipped, and the first one that is not a trusted proxy is the
client (what is left of it was written by the client and proves nothing).
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """The networks of ``SSP_TRUSTED_PROXIES`` entries (an address is a network of one)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"SSP_TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network (CIDR)."
            ) from exc
    return tuple(networks)


def _address(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.7) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address as text: ``REMOTE_ADDR``, unless that is a trusted proxy; then the
    right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy.

    A forwarded value that is not an address stops the walk at the last good one, so a mangled
    header can never put a made-up address in the client's place. Empty only when even
    ``REMOTE_ADDR`` is not an address.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = trusted_networks(tuple(settings.SSP_TRUSTED_PROXIES))
    client = remote
    if networks and _trusted(remote, networks):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = _address(hop)
            if address is None:
                break
            client = address
            if not _trusted(address, networks):
                break
    return str(client)
