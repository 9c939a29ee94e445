"""Every table of the data model (DESIGN.md), in one place so migrations and code agree."""
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.orm import deferred
from sqlmodel import Field, SQLModel

from db.types import AwareDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _when(*, nullable: bool = False, index: bool = False):
    """An aware UTC timestamp column."""
    if nullable:
        return Field(default=None, sa_type=AwareDateTime, nullable=True, index=index)
    return Field(default_factory=utcnow, sa_type=AwareDateTime, nullable=False, index=index)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="resident", max_length=16, index=True)
    district: str | None = Field(default=None, max_length=32)
    community: str | None = Field(default=None, max_length=64, index=True)  # assets/communities.json id
    language: str | None = Field(default=None, max_length=8)
    leaderboard_opt_in: bool = Field(default=False)
    elder_mode: bool = Field(default=False)  # 适老化: large text, high contrast, big targets, simpler home
    nickname: str | None = Field(default=None, max_length=40)
    failed_signins: int = Field(default=0)  # failed sign-ins since the last good one, told to the owner then
    last_failed_at: datetime | None = _when(nullable=True)
    disabled: bool = Field(default=False)
    deleted_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()


class SignInSession(SQLModel, table=True):
    """Server-side half of a sign-in; the browser holds only a signed id in an HttpOnly cookie."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _when()
    last_seen_at: datetime = _when()
    expires_at: datetime = Field(sa_type=AwareDateTime)
    ended_at: datetime | None = _when(nullable=True)
    handoff_hash: str | None = Field(default=None, max_length=64, index=True)
    handoff_expires_at: datetime | None = _when(nullable=True)


class ActionType(SQLModel, table=True):
    """One version of a catalogue action; a new factor is a new row, so old entries keep theirs."""

    __table_args__ = (UniqueConstraint("code", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)
    version: int = Field(default=1)
    current: bool = Field(default=True, index=True)
    category: str = Field(max_length=16)
    name_zh: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    unit: str = Field(max_length=24)
    factor_g: float = Field(default=0.0, description="grams CO2e avoided per unit, as credited")
    baseline_g: float | None = Field(default=None, description="trips: baseline grams per unit")
    mode_g: float | None = Field(default=None, description="trips: the mode's own grams per unit")
    factor_kind: str = Field(default="reduction", max_length=16)
    credit_share: float = Field(default=1.0)
    points_per_unit: int | None = Field(default=None, description="volunteering: points per hour")
    daily_cap: float | None = Field(default=None, description="units a user may credit per local day")
    plausibility_limit: float | None = Field(default=None, description="units above which a claim is reviewed")
    verification: str = Field(default="self", max_length=8)
    source: str = Field(default="", max_length=400)
    year: str = Field(default="", max_length=16)
    confidence: str = Field(default="", max_length=16)
    provisional: bool = Field(default=False)
    self_share: float = Field(default=1.0, description="share of the credit a self-report earns (verified: all)")
    self_daily_cap: float | None = Field(default=None, description="units a user may self-report per local day")
    active: bool = Field(default=True)
    created_at: datetime = _when()


class Place(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32, index=True)
    name_zh: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    district: str | None = Field(default=None, max_length=32)
    geometry: dict = Field(sa_type=JSON)
    properties: dict = Field(default_factory=dict, sa_type=JSON)
    confidence: str = Field(default="", max_length=16)
    pinned: bool = Field(default=True)
    closed_reason: str | None = Field(default=None, max_length=400)
    closed_from: datetime | None = _when(nullable=True)
    closed_until: datetime | None = _when(nullable=True)
    updated_at: datetime = _when()


class Checkpoint(SQLModel, table=True):
    """An event, recycling station or trailhead: a place and a window that credit one action once."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    title_zh: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    description_zh: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    place_id: str | None = Field(default=None, foreign_key="place.id")
    community: str | None = Field(default=None, max_length=64, index=True)  # the community page lists it
    lat: float | None = None
    lon: float | None = None
    starts_at: datetime = Field(sa_type=AwareDateTime)
    ends_at: datetime = Field(sa_type=AwareDateTime)
    capacity: int | None = None
    expected_attendance: int | None = None
    points_per_hour: int | None = None
    action_code: str = Field(default="volunteer", max_length=40)
    rotating: bool = Field(default=False)
    status: str = Field(default="draft", max_length=16, index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _when()


class EventSignup(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("checkpoint_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _when()


# Up to 5 MB: loaded only when read (claim.photo) or asked for with undefer(), not with every Claim row.
CLAIM_PHOTO = Column("photo", LargeBinary, nullable=True)


class Claim(SQLModel, table=True):
    __mapper_args__ = {"properties": {"photo": deferred(CLAIM_PHOTO)}}
    # Every credit reads the resident's day for that action (caps, one trip one credit): one index range,
    # however long the resident's history; user_id first, so it serves every lookup by user too.
    __table_args__ = (Index("ix_claim_user_day", "user_id", "local_day", "action_code"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    action_type_id: int = Field(foreign_key="actiontype.id")
    action_code: str = Field(max_length=40, index=True)
    quantity: float
    occurred_at: datetime = Field(sa_type=AwareDateTime)
    local_day: str = Field(max_length=10, index=True)
    status: str = Field(max_length=16, index=True)
    status_reason: str | None = Field(default=None, max_length=400)
    note: str | None = Field(default=None, max_length=1000)
    photo: bytes | None = Field(default=None, sa_column=CLAIM_PHOTO)
    photo_type: str | None = Field(default=None, max_length=32)
    checkpoint_id: int | None = Field(default=None, foreign_key="checkpoint.id")
    co2e_g: int = Field(default=0)
    points: int = Field(default=0)
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    review_reason: str | None = Field(default=None, max_length=400)
    reviewed_at: datetime | None = _when(nullable=True)
    idempotency_key: str = Field(max_length=120, unique=True)
    created_at: datetime = _when(index=True)
    # Where the claim came from: self (typed by the resident), checkpoint (a scanned QR), staff (an attendant),
    # partner (a partner system's verified event, partner_id names it).
    source: str = Field(default="self", max_length=16)
    partner_id: int | None = Field(default=None, foreign_key="partner.id")


class CheckIn(SQLModel, table=True):
    # A seat number per checkpoint and period holds the capacity without locking the checkpoint's row
    # (points.checkin.seats); rows from before migration 0016 were numbered in arrival order.
    __table_args__ = (UniqueConstraint("checkpoint_id", "user_id", "period"),
                      Index("uq_checkin_seat", "checkpoint_id", "period", "seat", unique=True))
    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    period: str = Field(max_length=16)
    checked_in_at: datetime = _when()
    checked_out_at: datetime | None = _when(nullable=True)
    hours: float | None = None
    status: str = Field(default="open", max_length=16, index=True)
    flag: str | None = Field(default=None, max_length=200)
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    seat: int | None = None


class LedgerEntry(SQLModel, table=True):
    """Append-only: database triggers refuse UPDATE and DELETE; the hash chains each user's entries."""

    __table_args__ = (
        UniqueConstraint("user_id", "seq"),  # also the index for every lookup by user
        # Most entries name no claim and no original: partial indexes keep a credit's page writes down.
        Index("ix_ledgerentry_claim_id", "claim_id", sqlite_where=text("claim_id IS NOT NULL"),
              postgresql_where=text("claim_id IS NOT NULL")),
        Index("ix_ledgerentry_original_entry_id", "original_entry_id",
              sqlite_where=text("original_entry_id IS NOT NULL"),
              postgresql_where=text("original_entry_id IS NOT NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    seq: int
    kind: str = Field(max_length=16, index=True)
    points: int
    co2e_g: int = Field(default=0)
    action_code: str | None = Field(default=None, max_length=40, index=True)
    action_type_id: int | None = Field(default=None, foreign_key="actiontype.id")
    quantity: float | None = None
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    redemption_id: int | None = Field(default=None, foreign_key="redemption.id")
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    original_entry_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("ledgerentry.id"), nullable=True))
    reason: str | None = Field(default=None, max_length=400)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _when(index=True)
    idempotency_key: str = Field(max_length=120, unique=True)
    request_digest: str = Field(max_length=64, description="digest of what was asked, to spot key reuse")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Balance(SQLModel, table=True):
    """The per-user lock and running totals, written in the same transaction as each entry."""

    __table_args__ = (Index("ix_balance_active", "updated_at", "last_seq"),)  # active residents, index-only
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    points: int = Field(default=0)
    co2e_g: int = Field(default=0)
    last_seq: int = Field(default=0)
    head_hash: str = Field(max_length=64)
    updated_at: datetime = _when()


class Reward(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name_zh: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    description_zh: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
    cost: int
    stock: int | None = None
    min_tier: str | None = Field(default=None, max_length=16)
    monthly_budget: int | None = None
    active: bool = Field(default=True)
    created_at: datetime = _when()


class Redemption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    reward_id: int = Field(foreign_key="reward.id", index=True)
    cost: int
    code: str = Field(max_length=32, unique=True)
    status: str = Field(default="active", max_length=16)
    idempotency_key: str = Field(max_length=120, unique=True)
    created_at: datetime = _when()
    cancelled_at: datetime | None = _when(nullable=True)


class Appeal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    entry_id: int | None = Field(default=None, foreign_key="ledgerentry.id")
    note: str = Field(max_length=1000)
    status: str = Field(default="open", max_length=16, index=True)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decision_reason: str | None = Field(default=None, max_length=400)
    decided_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()


class AnomalyFlag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    kind: str = Field(max_length=32)
    detail: str = Field(default="", max_length=400)
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    status: str = Field(default="open", max_length=16, index=True)
    created_at: datetime = _when()


class RollupTotals(SQLModel):
    """What both rollups add up for one district, action and entry kind."""

    district: str = Field(default="", max_length=32)
    action_code: str = Field(default="", max_length=40)
    kind: str = Field(max_length=16)
    entries: int = Field(default=0)
    points: int = Field(default=0)
    co2e_g: int = Field(default=0)


class DailyRollup(RollupTotals, table=True):
    """City aggregates per local day, kept in step with the ledger so dashboards never scan it."""

    __table_args__ = (UniqueConstraint("day", "district", "action_code", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    day: str = Field(max_length=10, index=True)


class MonthlyRollup(RollupTotals, table=True):
    """The same aggregates per local month, folded with DailyRollup, so the dashboard reads a few thousand rows."""

    __table_args__ = (UniqueConstraint("month", "district", "action_code", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)


class RollupWatermark(SQLModel, table=True):
    """The last ledger id folded into DailyRollup, so each refresh reads only the new entries."""

    name: str = Field(primary_key=True, max_length=32)
    last_entry_id: int = Field(default=0)
    updated_at: datetime = _when()


def _board_indexes(table: str, *lead: str) -> tuple[Index, ...]:
    """A board's rows in order of points, one index per scope (city, district, community), listed rows only."""
    return tuple(Index(f"ix_{table}_board{suffix}", *lead, *scope, "points", sqlite_where=text("listed = 1"),
                       postgresql_where=text("listed"))  # as each database's queries read it (migration 0020)
                 for suffix, scope in (("", ()), ("_district", ("district",)), ("_community", ("community",))))


class EarnedWeek(SQLModel, table=True):
    """Points a user earned in a local week (credits minus reversed credits; spending never counts), folded with
    the rollups: the weekly leaderboard reads one row per resident active that week, not the week's ledger.
    `listed`, `district` and `community` copy the resident's standing for the boards (kept by triggers, 0020),
    so a board counts ranks from its own rows without joining every resident."""

    __table_args__ = _board_indexes("earnedweek", "week")
    week: str = Field(primary_key=True, max_length=10)  # the week's Monday, local date
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    points: int = Field(default=0)
    listed: bool = Field(default=False)  # a resident who consented, with a usable account
    district: str | None = Field(default=None, max_length=32)
    community: str | None = Field(default=None, max_length=64)


class EarnedTotal(SQLModel, table=True):
    """Points a user earned ever, folded with the rollups: the all-time leaderboard never sums the ledger.
    The board columns are EarnedWeek's."""

    __table_args__ = _board_indexes("earnedtotal")
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    points: int = Field(default=0)
    listed: bool = Field(default=False)
    district: str | None = Field(default=None, max_length=32)
    community: str | None = Field(default=None, max_length=64)


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=64, index=True)
    target_type: str = Field(default="", max_length=32)
    target_id: str = Field(default="", max_length=64)
    before: dict | None = Field(default=None, sa_type=JSON)
    after: dict | None = Field(default=None, sa_type=JSON)
    created_at: datetime = _when(index=True)


class SignInThrottle(SQLModel, table=True):
    """A run of failed sign-ins (or registrations) per client, per account or per pair of both, shared by
    every portal process. Client and account are keyed HMAC digests: the table names no address or username."""

    scope: str = Field(primary_key=True, max_length=16)
    client: str = Field(primary_key=True, max_length=64)  # "" when the counter is per account only
    account: str = Field(primary_key=True, max_length=64, index=True)  # "" when per client only
    events: int = Field(default=0)
    last_at: datetime = _when(index=True)
    blocked_until: datetime | None = _when(nullable=True)


class Partner(SQLModel, table=True):
    """A system that reports what residents did (metro, bike share, recycling machine, utility)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=24)  # transit, bike_share, recycling_machine, utility, other
    actions: list = Field(default_factory=list, sa_type=JSON)  # catalogue codes it may report
    status: str = Field(default="active", max_length=16)  # active, disabled
    rate_limit_per_minute: int = Field(default=120)
    created_at: datetime = _when()
    updated_at: datetime = _when()


class PartnerKey(SQLModel, table=True):
    """A partner's signing key. Only a random salt is stored: the secret is derived from it with the server
    secret, so a copy of the database alone cannot sign. A rotated-out key keeps working until valid_until."""

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    salt: str = Field(max_length=64)
    created_at: datetime = _when()
    valid_until: datetime | None = _when(nullable=True)


class PartnerLinkCode(SQLModel, table=True):
    """A one-time code a resident (or a service desk for them) made to link a partner account; issuing it is
    the resident's consent, recorded with the consent text's version."""

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    consent_version: str = Field(max_length=16)
    method: str = Field(default="portal", max_length=16)  # portal (the resident), desk (an operator in person)
    operator: str | None = Field(default=None, max_length=64)
    created_at: datetime = _when()
    expires_at: datetime = Field(sa_type=AwareDateTime)
    used_at: datetime | None = _when(nullable=True)


class PartnerLink(SQLModel, table=True):
    """A resident's partner account (subject), with consent given and, once unlinked, withdrawn: kept forever
    as the consent history; only links with withdrawn_at empty credit."""

    __table_args__ = (
        Index("ux_partnerlink_active_subject", "partner_id", "subject", unique=True,
              sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
        Index("ux_partnerlink_active_user", "partner_id", "user_id", unique=True,
              sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id")
    user_id: int = Field(foreign_key="user.id", index=True)
    subject: str = Field(max_length=128)
    code_id: int | None = Field(default=None, foreign_key="partnerlinkcode.id")
    consent_version: str = Field(max_length=16)
    method: str = Field(default="portal", max_length=16)
    consent_given_at: datetime = _when()
    withdrawn_at: datetime | None = _when(nullable=True)
    withdrawn_by: int | None = Field(default=None, foreign_key="user.id")


class PartnerEvent(SQLModel, table=True):
    """An event a partner sent that used up its id (credited or over the cap): a resend is a duplicate.
    Refused events are not kept, so a partner can fix and resend them; the tally counts them."""

    __table_args__ = (UniqueConstraint("partner_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id")
    external_id: str = Field(max_length=128)
    user_id: int = Field(foreign_key="user.id", index=True)
    action_code: str = Field(max_length=40)
    quantity: float
    occurred_at: datetime = Field(sa_type=AwareDateTime)
    outcome: str = Field(max_length=24)
    points: int = Field(default=0)
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    received_at: datetime = _when()


class PartnerTally(SQLModel, table=True):
    """Reconciliation per partner, local day received and outcome (duplicates and refusals included)."""

    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    day: str = Field(primary_key=True, max_length=10)
    outcome: str = Field(primary_key=True, max_length=24)
    events: int = Field(default=0)
    points: int = Field(default=0)


class ExternalIdentity(SQLModel, table=True):
    """A city account (OpenID Connect issuer and subject) that signs in as one portal user. The e-mail is never
    the identity: a provider may reassign or change it, the (issuer, subject) pair it may not."""

    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("user_id", "issuer"))
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    created_at: datetime = _when()
    last_sign_in_at: datetime = _when()
    last_token_issued_at: datetime = Field(sa_type=AwareDateTime, description="iat of the last ID token used")


class Project(SQLModel, table=True):
    """A public project residents give points to (mangroves at 下潭尾, a trail's facilities): a goal and a status
    (draft, open, funded, closed, cancelled). raised_points moves in the same transaction as each gift or refund."""

    id: int | None = Field(default=None, primary_key=True)
    title_zh: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    description_zh: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    goal_points: int
    raised_points: int = Field(default=0)
    status: str = Field(default="draft", max_length=16, index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _when()
    updated_at: datetime = _when()


class ProjectGift(SQLModel, table=True):
    """Points a resident gave to a project: the `give` ledger entry it wrote and, once the project is cancelled,
    the entry that gave them back (set once: a refund is written at most once per gift)."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    points: int
    entry_id: int = Field(foreign_key="ledgerentry.id")
    refund_entry_id: int | None = Field(default=None, foreign_key="ledgerentry.id")
    idempotency_key: str = Field(max_length=120, unique=True)
    created_at: datetime = _when()
    refunded_at: datetime | None = _when(nullable=True)


class Certificate(SQLModel, table=True):
    """An issued certificate (volunteer hours, a year's carbon, a gift): what it states, frozen when issued, so
    its QR link shows exactly what was printed. The link carries only the id and a signature over these fields."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    user_id: int = Field(foreign_key="user.id", index=True)
    year: int | None = None
    hours: float | None = None
    events: int | None = None
    points: int | None = None
    co2e_g: int | None = None
    gift_id: int | None = Field(default=None, foreign_key="projectgift.id")
    key: str = Field(max_length=160, unique=True)  # the same statement asked for again is the same certificate
    issued_at: datetime = _when()


class InboxMessage(SQLModel, table=True):
    """A message to one resident: a topic and its parameters, put into words in the reader's language when read,
    so it never stays frozen in the language of the moment it was sent. The key makes a resend harmless."""

    __table_args__ = (Index("ix_inboxmessage_user_created", "user_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    topic: str = Field(max_length=40)
    params: dict = Field(default_factory=dict, sa_type=JSON)
    key: str = Field(max_length=160, unique=True)
    created_at: datetime = _when()
    read_at: datetime | None = _when(nullable=True)


class MailPreference(SQLModel, table=True):
    """A resident's e-mail address for copies of inbox messages, used only while they opt in."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    address: str = Field(max_length=254)
    opted_in: bool = Field(default=False)
    updated_at: datetime = _when()


class MailOutbox(SQLModel, table=True):
    """An e-mail copy of an inbox message, waiting to be sent (points/inbox/outbox.py). Written in the message's
    own transaction, sent later outside any: a rollback drops the letter, a commit keeps it through a crash, and
    no page waits for the SMTP server. Worded when queued, so it reads as the inbox did then."""

    __table_args__ = (Index("ix_mailoutbox_queue", "sent_at", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)  # erasing the account deletes its letters
    address: str = Field(max_length=254)
    language: str = Field(max_length=8)
    subject: str = Field(sa_type=Text)  # unbounded: a long event title must never fail the action that mailed it
    body: str = Field(sa_type=Text)
    created_at: datetime = _when()
    retry_at: datetime | None = _when(nullable=True)  # not before: a sender's claim, or the backoff after a failure
    sent_at: datetime | None = _when(nullable=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=400)


# A resident's photo of the problem and an admin's "after" photo: loaded only when read, like Claim.photo.
PROBLEM_PHOTO = Column("photo", LargeBinary, nullable=True)
PROBLEM_STEP_PHOTO = Column("photo", LargeBinary, nullable=True)


class ProblemReport(SQLModel, table=True):
    """An environmental problem a resident pinned on the map (litter, dumping, a full bin...), and where its
    triage stands. lat/lon are WGS-84; district and community are the reporter's when they filed it (a move later
    leaves them; reports filed before migration 0018 have no community)."""

    __mapper_args__ = {"properties": {"photo": deferred(PROBLEM_PHOTO)}}
    __table_args__ = (Index("ix_problemreport_kind_status", "kind", "status"),
                      Index("ix_problemreport_community_updated_at", "community", "updated_at"))  # a community's page
    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=24)
    lat: float
    lon: float
    note: str | None = Field(default=None, max_length=1000)
    photo: bytes | None = Field(default=None, sa_column=PROBLEM_PHOTO)
    photo_type: str | None = Field(default=None, max_length=32)
    status: str = Field(default="new", max_length=16, index=True)
    district: str | None = Field(default=None, max_length=32)
    community: str | None = Field(default=None, max_length=64)  # assets/communities.json id
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    claim_id: int | None = Field(default=None, foreign_key="claim.id")  # the reporter's credit, once confirmed
    created_at: datetime = _when(index=True)
    updated_at: datetime = _when()


class ProblemSupport(SQLModel, table=True):
    """A resident who said "same problem" instead of filing a duplicate: once per report and resident."""

    __table_args__ = (UniqueConstraint("report_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="problemreport.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _when()


class ProblemStep(SQLModel, table=True):
    """One step of a report's triage (filed, confirmed, assigned, started, fixed, dismissed): the trail the
    reporter sees, with the status after it, a note and, for a fix, an "after" photo."""

    __mapper_args__ = {"properties": {"photo": deferred(PROBLEM_STEP_PHOTO)}}
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="problemreport.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=16)
    status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=400)
    photo: bytes | None = Field(default=None, sa_column=PROBLEM_STEP_PHOTO)
    photo_type: str | None = Field(default=None, max_length=32)
    created_at: datetime = _when()


class OpenDataCell(SQLModel, table=True):
    """One cell of the open data: what residents of a community avoided by one action in a local month, and how
    many distinct residents that is (suppressed below 5 when published, points.reports.open_data). Folded from
    the ledger by points.reports.community_rollups, so neither the public pages nor the dashboard scan it."""

    __table_args__ = (UniqueConstraint("month", "district", "community", "action_code"),)
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    district: str = Field(default="", max_length=32)
    community: str = Field(default="", max_length=64, index=True)
    action_code: str = Field(max_length=40)
    residents: int = Field(default=0)  # distinct residents whose net CO2e or points here is above zero
    entries: int = Field(default=0)
    points: int = Field(default=0)
    co2e_g: int = Field(default=0)


class OpenDataShare(SQLModel, table=True):
    """One resident's part of an open-data cell: it makes `residents` a count of distinct people, and lets the
    publication check that the cells it suppresses together hold at least 5 different residents."""

    __table_args__ = (UniqueConstraint("cell_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cell_id: int = Field(foreign_key="opendatacell.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    entries: int = Field(default=0)
    points: int = Field(default=0)
    co2e_g: int = Field(default=0)
