"""Which servers the site may fetch from: public addresses on ports 80 and 443, unless the
deployment names private networks or other ports (FEED_ALLOWED_NETWORKS,
FEED_ALLOWED_PORTS).

Not public: loopback, private, shared (carrier-grade NAT), link-local, unique-local,
site-local, unspecified, multicast, reserved and documentation addresses, and IPv6 forms
that carry such an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64).

A feed URL is checked where an editor gives it (articles.models.Source.clean) and again
where it is fetched (ingest.fetch), which connects only to an address checked here.
"""

import ipaddress
import socket

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def port_allowed(port: int) -> bool:
    return port in settings.FEED_ALLOWED_PORTS


def allowed_addresses(host: str, port: int, networks=None) -> list[str]:
    """The addresses the host resolves to that may be fetched from, in the resolver's
    order; none when it resolves only to addresses that may not. OSError when it does not
    resolve. `networks`: the private networks allowed (default: FEED_ALLOWED_NETWORKS)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (UnicodeError, ValueError) as error:  # a name IDNA cannot encode, a NUL
        raise OSError(f"not a host name: {error}") from None
    addresses = dict.fromkeys(info[4][0] for info in found)
    return [address for address in addresses if is_allowed(ipaddress.ip_address(address), networks)]


def is_allowed(address: Address, networks=None) -> bool:
    """Public, or in a network the deployment allows; and so is any IPv4 address it carries.
    A NAT64 address (an IPv6-only network's way to IPv4 servers) is what it carries."""
    networks = settings.FEED_ALLOWED_NETWORKS if networks is None else networks
    if not all(is_allowed(carried, networks) for carried in _carried_ipv4(address)):
        return False
    if address in _NAT64:
        return True
    return is_public(address) or any(address in network for network in networks)


def is_public(address: Address) -> bool:
    """Globally reachable: none of the special kinds above (multicast is "global" to
    Python's is_global, hence the explicit checks)."""
    special = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )
    return address.is_global and not special


def _carried_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for, or carries to a tunnel or gateway."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    carried = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if int(address) >> 32 == 0 and int(address) > 1:  # IPv4-compatible, ::a.b.c.d
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address in _NAT64:
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ipv4 for ipv4 in carried if ipv4 is not None]
