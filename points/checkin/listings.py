"""Upcoming events as their cards show them (the events page, a community's page): the venue's name, how many
signed up and whether the reader did, read for every event in one statement, so a page of forty events costs what
a page of one does.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, false, func, select
from sqlmodel import Session, col

from db.models import Checkpoint, EventSignup, Place
from points.checkin.checkpoints import list_upcoming, venue_label


@dataclass(frozen=True)
class EventListing:
    event: Checkpoint
    place: str  # the venue in the reader's language (checkpoints.place_label's wording)
    signed: int  # sign-ups so far
    mine: bool  # the reader is signed up


def event_listings(session: Session, *, events: list[Checkpoint], language: str | None,
                   viewer_id: int | None = None) -> list[EventListing]:
    """These events, in their order, each with its venue, sign-ups and the viewer's own sign-up (none when
    signed out): one statement for all of them."""
    ids = [event.id for event in events if event.id is not None]
    if not ids:
        return []
    signed = (select(func.count()).select_from(EventSignup)
              .where(col(EventSignup.checkpoint_id) == col(Checkpoint.id)).scalar_subquery())
    mine = (exists().where(col(EventSignup.checkpoint_id) == col(Checkpoint.id), col(EventSignup.user_id) == viewer_id)
            if viewer_id is not None else false())
    rows = session.execute(select(col(Checkpoint.id), col(Place.name_zh), col(Place.name_en), signed, mine)
                           .select_from(Checkpoint).outerjoin(Place, col(Place.id) == col(Checkpoint.place_id))
                           .where(col(Checkpoint.id).in_(ids))).all()
    found = {row[0]: row[1:] for row in rows}
    listings = []
    for event in events:
        if event.id not in found:
            continue
        name_zh, name_en, count, own = found[event.id]
        names = (name_zh, name_en) if name_zh is not None else None
        listings.append(EventListing(event=event, place=venue_label(event, names=names, language=language),
                                     signed=int(count), mine=bool(own)))
    return listings


def upcoming_listings(session: Session, *, language: str | None, viewer_id: int | None = None,
                      community: str | None = None, now: datetime | None = None) -> list[EventListing]:
    """Upcoming events (checkpoints.list_upcoming, one community's when given) as cards: two statements in all."""
    events = list_upcoming(session, now=now, community=community)
    return event_listings(session, events=events, language=language, viewer_id=viewer_id)
