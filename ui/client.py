"""Which browser is asking: the address that sign-in and registration throttles count per client."""
import streamlit as st

from db.config import get_settings

LOCAL = "local"  # Streamlit gives no address for localhost connections
MAX_LENGTH = 64  # an address is at most 45 characters; anything longer came from a confused header


def forwarded_client(forwarded_for: list[str], hops: int) -> str | None:
    """The address `hops` entries from the right of X-Forwarded-For. Each trusted proxy appends the peer
    it saw, so entries further left are whatever the client chose to claim. With fewer entries than hops
    the leftmost is taken: falling back to the proxy's own address would make every visitor one client."""
    addresses = [part.strip() for value in forwarded_for for part in value.split(",") if part.strip()]
    return addresses[-min(hops, len(addresses))] if addresses else None


def client_address() -> str:
    """The connection's address, or with `trusted_proxies` > 0 the one those proxies vouch for."""
    hops = get_settings().trusted_proxies
    address = st.context.ip_address
    if hops > 0:
        values = st.context.headers.get_all("X-Forwarded-For")
        address = forwarded_client(values if isinstance(values, list) else [], hops) or address
    return address[:MAX_LENGTH] if isinstance(address, str) and address else LOCAL
