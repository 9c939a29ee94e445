"""A resident's own district and community (社区), or none ("prefer not to say"), so district and community boards
and charts count them there.

The districts are the city's as its places data names them (points.places.registry.DISTRICTS); the communities are
the city's list (points.communities.registry), and a community must lie in the district chosen with it.
"""
from sqlmodel import Session

from db.models import User
from points.accounts.users import update_profile
from points.common.errors import DomainError
from points.communities.registry import checked_community
from points.places.registry import DISTRICTS


def checked_district(district: str | None) -> str | None:
    """The district to store: None for "prefer not to say"; anything not one of the city's is refused."""
    if not district:
        return None
    if district not in DISTRICTS:
        raise DomainError("district_invalid")
    return district


def checked_home(district: str | None, community: str | None) -> tuple[str | None, str | None]:
    """(district, community) to store; either may be None; a community outside the district is refused."""
    district = checked_district(district)
    return district, checked_community(district=district, community=community)


def choose_district(session: Session, *, user_id: int, district: str | None, community: str | None = None) -> User:
    """The owner's change of district and community, both checked before anything is written."""
    district, community = checked_home(district, community)
    return update_profile(session, user_id=user_id, district=district or "", community=community or "")
