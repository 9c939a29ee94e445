"""Demo partners for `seed --demo`: a metro operator with the demo resident's card linked, and a recycling
machine, so a signed batch from docs/partners.md credits someone at once.

No secret is printed or kept: secrets derive from the server secret and are shown once. A demo user gets a
working one with `python manage.py rotate-partner-key demo-metro` (see docs/partners.md).
"""
from sqlmodel import Session, col, select

from db.models import Partner, PartnerLink
from points.accounts.users import find_user
from points.partners.links import issue_link_code, link_by_code
from points.partners.registry import create_partner

DEMO_PARTNERS = (
    ("demo-metro", "transit", ["metro", "bus"]),
    ("demo-recycler", "recycling_machine", ["paper", "plastic", "glass", "metal", "low_value"]),
)
DEMO_LINK = ("resident", "demo-metro", "card-123")  # (username, partner, subject)
DEMO_OPERATOR = "demo seed"


def _link_demo_resident(session: Session, partners: dict[str, int]) -> int:
    username, partner_name, subject = DEMO_LINK
    resident = find_user(session, username=username)
    partner_id = partners.get(partner_name)
    if resident is None or resident.id is None or partner_id is None:
        return 0
    linked = session.exec(select(col(PartnerLink.id)).where(
        col(PartnerLink.partner_id) == partner_id, col(PartnerLink.withdrawn_at).is_(None),
        (col(PartnerLink.user_id) == resident.id) | (col(PartnerLink.subject) == subject))).first()
    if linked is not None:
        return 0
    code = issue_link_code(session, user_id=resident.id, partner_id=partner_id, method="desk",
                           operator=DEMO_OPERATOR)
    return 1 if link_by_code(session, partner_id=partner_id, code=code, subject=subject) == "linked" else 0


def load_demo_partners(session: Session) -> int:
    """Create the demo partners missing and link the demo resident's card; how many rows of either were added."""
    partners: dict[str, int] = {name: partner_id for name, partner_id in session.exec(
        select(col(Partner.name), col(Partner.id))) if partner_id is not None}
    added = 0
    for name, kind, actions in DEMO_PARTNERS:
        if name not in partners:
            partner = create_partner(session, actor_id=None, name=name, kind=kind, actions=actions).partner
            assert partner.id is not None  # create_partner flushed it
            partners[name] = partner.id
            added += 1
    return added + _link_demo_resident(session, partners)
