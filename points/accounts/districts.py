"""A resident's own district (or none: "prefer not to say"), so district boards and charts count them there.

The choices are the city's districts as its places data names them (points.places.registry.DISTRICTS).
"""
from sqlmodel import Session

from db.models import User
from points.accounts.users import update_profile
from points.common.errors import DomainError
from points.places.registry import DISTRICTS


def checked_district(district: str | None) -> str | None:
    """The district to store: None for "prefer not to say"; anything not one of the city's is refused."""
    if not district:
        return None
    if district not in DISTRICTS:
        raise DomainError("district_invalid")
    return district


def choose_district(session: Session, *, user_id: int, district: str | None) -> User:
    """The owner's change of district, checked before anything is written."""
    return update_profile(session, user_id=user_id, district=checked_district(district) or "")
