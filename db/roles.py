"""What the portal's own PostgreSQL login may do, in one place.

The tables belong to the owner (DATABASE_OWNER_URL), who runs the migrations. The portal logs in as a lesser
role (DATABASE_URL), so that its password, leaked or abused through an injected statement, cannot rewrite
history: an owner may `ALTER TABLE ... DISABLE TRIGGER` and so switch off the append-only guards (0002, 0003,
0005), and TRUNCATE skips row triggers. In the tables' schema the portal's role therefore gets:
- SELECT and INSERT on every table: reading and appending is all a ledger needs;
- UPDATE only on the tables whose rows the domain really changes (UPDATED, with the reason). PostgreSQL also
  wants UPDATE for `SELECT ... FOR UPDATE`: that is why `balance` has it (the per-user lock);
- DELETE only where rows are scratch, not records (DELETED); TRUNCATE on no table. Erasing an account
  anonymises it by UPDATE;
- USAGE on the sequences (new ids), EXECUTE on green_egret_settle_ledger() (0005: the rollups wait for ledger
  writers without the right to lock the ledger), SELECT only on alembic_version;
- and it owns nothing: not a table, not the schema, not the database, nor may it act as their owner.

A table added later gets SELECT and INSERT only until it is listed below; a test fails while a table of
SQLModel.metadata is in none of APPEND_ONLY, UPDATED and DELETED.
"""
from sqlalchemy import text
from sqlalchemy.engine import Connection

APPEND_ONLY = {
    "ledgerentry": "the ledger: a mistake is undone by a reversal entry, never by an edit",
    "auditlog": "what admins and organisers did, as it happened",
    "eventsignup": "a resident's sign-up for an event; nothing changes it afterwards",
    "partnerevent": "a partner's event that used its id; a resend is a duplicate, nothing changes it",
    "problemsupport": "a resident's \"same problem\" on a report, once; nothing changes it",
    "problemstep": "a report's triage trail, shown to its reporter as it happened",
    "certificate": "an issued certificate states what it stated; its QR link verifies against these fields",
}
UPDATED = {
    "user": "failed sign-ins and lockout, profile, password, role, disabling, erasure by anonymising",
    "signinsession": "last seen; revoked at sign-out and when the password changes",
    "actiontype": "a revised factor makes its new version current and the old one not",
    "place": "edits and closures",
    "checkpoint": "edits and status; a check-in locks its checkpoint (FOR UPDATE)",
    "claim": "review decisions and reinstatement; erasure blanks notes and photos",
    "checkin": "check-out, hours, review status and anomaly flag",
    "balance": "running totals written with each entry; the per-user lock (FOR UPDATE). Never deleted",
    "reward": "stock and catalogue edits; a redemption locks its reward (FOR UPDATE)",
    "redemption": "cancelling",
    "project": "edits, status, and the points raised, moved with each gift and refund (the row locked FOR UPDATE)",
    "projectgift": "the refund entry and time, set once when its project is cancelled",
    "appeal": "decisions; erasure blanks the note",
    "anomalyflag": "resolved or dismissed by review",
    "dailyrollup": "new entries are added into the day's existing row",
    "monthlyrollup": "new entries are added into the month's existing row",
    "partner": "status, allowed actions and rate limit, changed by admins (audited)",
    "partnerkey": "a rotated-out key gets its end of overlap (valid_until)",
    "partnerlinkcode": "a one-time link code is marked used",
    "partnerlink": "unlinking records the withdrawal of consent; the row stays as history",
    "partnertally": "each batch adds its counts into the day's row per outcome",
    "externalidentity": "each city sign-in records when it happened and which ID token it used",
    "earnedweek": "a week's earned points are added into the resident's existing row",
    "earnedtotal": "earned points are added into the resident's existing row",
    "rollupwatermark": "how far the rollups have folded the ledger; locked (FOR UPDATE) while folding",
    "opendatacell": "new entries are added into the cell's existing row, with its count of residents",
    "opendatashare": "a resident's new entries are added into their existing part of a cell",
    "problemreport": "triage moves its status and assignee; the row is locked (FOR UPDATE) while it does",
    "inboxmessage": "a message is marked read by its reader",
}
DELETED = {  # these rows are also updated
    "signinthrottle": "runs of failed sign-ins are forgotten after a good sign-in or a quiet day",
    "mailpreference": "a resident's e-mail address is changed, or removed when they withdraw it or are erased",
    "mailoutbox": "a sender claims a letter and marks it sent or failed; erasure and a withdrawn address delete them",
}
READ_ONLY = {"alembic_version": "every start and /readyz compare the revision; only the owner migrates"}
SETTLE_FUNCTION = "green_egret_settle_ledger()"


class PortalRoleError(Exception):
    """The role named for the portal would not be held by its privileges (or does not exist)."""


def table_privileges(table: str) -> tuple[str, ...]:
    if table in READ_ONLY:
        return ("SELECT",)
    if table in DELETED:
        return ("SELECT", "INSERT", "UPDATE", "DELETE")
    if table in UPDATED:
        return ("SELECT", "INSERT", "UPDATE")
    return ("SELECT", "INSERT")


OWNERSHIP = text("""
    SELECT 'the database' FROM pg_database WHERE datname = current_database() AND pg_has_role(:role, datdba, 'MEMBER')
    UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
      WHERE nspname = current_schema() AND pg_has_role(:role, nspowner, 'MEMBER')
    UNION ALL SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND pg_has_role(:role, c.relowner, 'MEMBER')""")


def check_portal_role(connection: Connection, role: str) -> None:
    """Refuse a role that privileges would not bind: a superuser, one that may grant itself roles, or one
    that owns (or is a member of the owner of) the database, the schema or any table."""
    found = connection.execute(text("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = :role"),
                               {"role": role}).first()
    if found is None:
        raise PortalRoleError(f"role {role} does not exist")
    if found.rolsuper or found.rolcreaterole:
        raise PortalRoleError(f"role {role} is a superuser or has CREATEROLE: no privilege would bind it")
    owned = connection.execute(OWNERSHIP, {"role": role}).scalars().all()
    if owned:
        raise PortalRoleError(f"role {role} owns or may act as the owner of {', '.join(owned[:5])}"
                              f"{' ...' if len(owned) > 5 else ''}: the portal's role must own nothing")


def grant_portal_role(connection: Connection, role: str) -> None:
    """Give `role` exactly the portal's privileges in the current schema, revoking whatever it had beyond them.

    Runs in the caller's transaction, as the owner, after the migrations (it grants on the tables that exist).
    """
    if connection.dialect.name != "postgresql":
        raise PortalRoleError("database roles exist only on PostgreSQL")
    check_portal_role(connection, role)
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    schema = quote(connection.execute(text("SELECT current_schema()")).scalar_one())
    tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                     "ORDER BY tablename")).scalars().all()
    statements = [f"REVOKE ALL ON SCHEMA {schema} FROM {who}",
                  *(f"REVOKE ALL ON ALL {kind} IN SCHEMA {schema} FROM {who}"
                    for kind in ("TABLES", "SEQUENCES", "FUNCTIONS")),
                  f"GRANT USAGE ON SCHEMA {schema} TO {who}",
                  f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
                  f"GRANT EXECUTE ON FUNCTION {schema}.{SETTLE_FUNCTION} TO {who}",
                  *(f"GRANT {', '.join(table_privileges(table))} ON {schema}.{quote(table)} TO {who}"
                    for table in tables)]
    for statement in statements:
        connection.execute(text(statement))
