"""The operator's command line: python manage.py COMMAND [options]. Each command exits non-zero with a
one-line reason on failure."""
import argparse
import getpass
import sys
from pathlib import Path

from points.common.errors import DomainError
from points.common.roles import RESIDENT, ROLES
from points.partners.registry import PARTNER_KINDS


def cmd_migrate(_args) -> str:
    """As DATABASE_OWNER_URL when set; DATABASE_URL's role, if another, then gets the portal's privileges."""
    from db.migrate import current_revision, portal_role, upgrade

    upgrade()
    role = portal_role()
    granted = f"; portal role {role} may read and append, not rewrite" if role else ""
    return f"database at revision {current_revision()}{granted}"


def cmd_grant_portal_role(args) -> str:
    """For an operator's extra portal login: the same privileges `migrate` gives DATABASE_URL's role."""
    from db.migrate import owner_engine, upgrade
    from db.roles import grant_portal_role

    upgrade()
    with owner_engine().connect() as connection:
        grant_portal_role(connection, args.role)
        connection.commit()
    return f"portal role {args.role} may read and append, not rewrite"


def cmd_seed(args) -> str:
    from db.migrate import upgrade
    from points.demo.seed import seed

    upgrade()
    report = seed(demo=args.demo)
    return "seeded: " + ", ".join(f"{name} +{count}" for name, count in report.items())


def cmd_create_user(args) -> str:
    from db.engine import write_session
    from db.migrate import upgrade
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user, normalise_username

    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    display_name = args.display_name or args.name
    secret = new_password(password, username=normalise_username(args.name), display_name=display_name)  # hash first
    upgrade()
    with write_session() as session:
        user = create_user(session, username=args.name, password=secret, role=args.role, display_name=display_name)
    return f"created {user.username} ({user.role})"


def cmd_verify_ledger(args) -> str:
    """The chains and balances; with --against FILE also every anchor in it (ledger-head --append)."""
    from db.engine import read_session
    from points.ledger.anchors import check_anchors, read_anchors
    from points.ledger.verify_parallel import verify_ledger_parallel

    anchors = []
    if args.against:
        with open(args.against, encoding="utf-8") as lines:
            anchors = read_anchors(lines)
    report = verify_ledger_parallel(args.workers)
    broken = None
    if report.ok:
        with read_session() as session:  # the ledger only grows: anchors taken before hold in any later snapshot
            broken = check_anchors(session, anchors=anchors)
    if not report.ok:
        bad = report.first_bad
        raise DomainError("ledger_invalid", user=bad.user_id, seq=bad.seq,
                          problem=f"{bad.problem}: {bad.detail}")
    if broken is not None:
        raise DomainError("ledger_anchor_broken", anchor=broken.anchor.at, line=broken.line, problem=broken.problem)
    held = f"; every anchor in {args.against} holds ({len(anchors)})" if anchors else ""
    return f"ledger ok: {report.entries} entries, {report.users} users{held}"


def cmd_ledger_head(args) -> str:
    """Print the heads digest; with --append FILE also add an anchor line to FILE (and print it)."""
    from db.engine import read_session
    from points.ledger.anchors import anchor_line, take_anchor
    from points.ledger.verify import ledger_head_digest

    if not args.append:
        with read_session() as session:
            return ledger_head_digest(session)
    line = anchor_line(take_anchor())
    with open(args.append, "a", encoding="utf-8") as out:
        out.write(line + "\n")
    return line


def cmd_backup(args) -> str:
    from db.backup import backup

    return backup(Path(args.out))


def cmd_restore(args) -> str:
    from db.backup import restore

    return restore(Path(args.file)) + "; run `python manage.py migrate` if the backup predates this version"


def cmd_export_ledger(args) -> str:
    from db.engine import read_session
    from points.ledger.export import ledger_csv

    count = 0
    with read_session() as session, open(args.out, "w", encoding="utf-8", newline="") as out:
        for chunk, written in ledger_csv(session):
            out.write(chunk)
            count = written
    return f"exported {count} entries to {args.out}"


def cmd_qr(args) -> str:
    from db.engine import read_session
    from points.checkin.checkpoints import get_checkpoint, place_label
    from points.checkin.posters import poster_pdf, poster_png

    with read_session() as session:
        checkpoint = get_checkpoint(session, checkpoint_id=args.checkpoint_id)
        place = place_label(session, checkpoint=checkpoint)
    render = poster_pdf if args.out.lower().endswith(".pdf") else poster_png
    with open(args.out, "wb") as out:
        out.write(render(checkpoint, place))
    return f"wrote the check-in code of checkpoint {checkpoint.id} to {args.out}"


def cmd_credit_feed(args) -> str:
    from pathlib import Path

    from db.engine import read_session
    from db.migrate import upgrade
    from points.reports.credit_feed import write_feed

    upgrade()
    with read_session() as session:
        count = write_feed(session, path=Path(args.out))
    return f"credit feed: {count} residents written to {args.out}"


def cmd_refresh_rollups(_args) -> str:
    from db.engine import write_session
    from db.migrate import upgrade
    from points.checkin.decision import close_ended_events
    from points.reports.rollups import refresh_rollups
    from points.review.anomalies import raise_flags

    upgrade()
    with write_session() as session:
        closed = close_ended_events(session)
    folded = refresh_rollups()
    flags = raise_flags()  # scans in a read transaction, writes only the new flags
    return (f"check-ins closed at their event's end: {closed}; rollups: {folded} new ledger entries folded in; "
            f"anomaly flags: {flags} new")


def _moment(value: str):
    """--now for commands that act on the calendar: an ISO instant, UTC when it names no zone."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_expire_points(args) -> str:
    from db.migrate import upgrade
    from points.expiry.runner import run_expiry

    upgrade()
    run = run_expiry(now=args.now)
    if run.expired_year is None:
        return "points never expire: GREEN_EGRET_POINTS_EXPIRE_YEARS is not set"
    return (f"expired {run.points} points of {run.residents} residents (earned up to {run.expired_year}); "
            f"{run.notices} residents warned of points expiring this year")


def cmd_remind_events(args) -> str:
    from db.migrate import upgrade
    from points.inbox.reminders import remind_events

    upgrade()
    return f"event reminders sent: {remind_events(now=args.now)}"


def cmd_send_mail(args) -> str:
    """The outbox's e-mail copies, oldest first, for cron; safe beside the portal's own sender thread and
    another run (points/inbox/outbox.py). Failed letters are retried by later runs, so a failure is reported, not
    an error."""
    from db.config import get_settings
    from db.migrate import upgrade
    from points.inbox.sender import send_due

    if get_settings().smtp is None:
        return "mail is off: GREEN_EGRET_SMTP_HOST is not set"
    upgrade()
    done = send_due(limit=args.limit)
    error = f"; last error: {done.last_error}" if done.last_error else ""
    return f"mail sent: {done.sent}, failed: {done.failed} (given up: {done.given_up}){error}"


def cmd_create_partner(args) -> str:
    """The secret is printed once here and never again (only a salt is stored)."""
    from db.engine import write_session
    from db.migrate import upgrade
    from points.partners.registry import create_partner

    upgrade()
    with write_session() as session:
        issued = create_partner(session, actor_id=None, name=args.name, kind=args.kind,
                                actions=args.actions.split(","), rate_limit_per_minute=args.rate_limit)
    return f"partner_id={issued.partner.id}\nsecret={issued.secret}"


def cmd_rotate_partner_key(args) -> str:
    """A new secret, printed once; the keys valid before stay valid for the overlap."""
    from datetime import timedelta

    from db.engine import write_session
    from points.common.clock import utcnow
    from points.partners.registry import partner_by_name, rotate_key

    now = utcnow()
    overlap = timedelta(hours=args.overlap_hours)
    with write_session() as session:
        partner = partner_by_name(session, name=args.name)
        issued = rotate_key(session, actor_id=None, partner_id=partner.id, overlap=overlap, now=now)
    return (f"partner_id={issued.partner.id}\nsecret={issued.secret}\n"
            f"old keys valid until {(now + overlap).isoformat(timespec='seconds')}")


def cmd_link_code(args) -> str:
    """For a service desk: the resident is there in person and consents; the operator is recorded."""
    from db.engine import write_session
    from points.accounts.users import find_user
    from points.common.clock import utcnow
    from points.partners.links import CODE_LIFETIME, issue_link_code
    from points.partners.registry import partner_by_name

    now = utcnow()
    with write_session() as session:
        user = find_user(session, username=args.username)
        if user is None or user.id is None:
            raise DomainError("unknown_user", user=args.username)
        partner = partner_by_name(session, name=args.partner)
        code = issue_link_code(session, user_id=user.id, partner_id=partner.id, method="desk",
                               operator=args.operator or getpass.getuser(), now=now)
    return f"{code}\nvalid until {(now + CODE_LIFETIME).isoformat(timespec='seconds')}"


def cmd_link_city_account(args) -> str:
    """The only way a staff role reaches a city sign-in: the provider's claims never grant one (README, City
    sign-in). Issuer and subject exactly as the provider's ID token says them; the audit log records who ran it."""
    from db.engine import write_session
    from points.accounts.sso import map_account

    with write_session() as session:
        row = map_account(session, username=args.username, issuer=args.issuer, subject=args.subject,
                          operator=args.operator or getpass.getuser())
        return f"city account {row.subject} at {row.issuer} now signs in as {args.username}"


def cmd_cancel_project(args) -> str:
    """Cancel and give every gift back, a short transaction per gift; a second run refunds only what is left."""
    from db.engine import read_session
    from db.models import Project
    from points.accounts.users import find_user
    from points.projects.refunds import cancel_and_refund
    from points.projects.registry import CANCELLED

    with read_session() as session:
        project = session.get(Project, args.project_id)
        actor = find_user(session, username=args.by) if args.by else None
    if project is None:
        raise DomainError("project_unknown", project=args.project_id)
    if args.by and actor is None:
        raise DomainError("unknown_user", user=args.by)
    refunded = cancel_and_refund(actor_id=actor.id if actor else None, project_id=args.project_id,
                                 reason=args.reason)
    done = "was already cancelled" if project.status == CANCELLED else "cancelled"
    return f"project {args.project_id} {done}: {refunded} gifts refunded"


def _stderr_counter(total: int):
    """Progress on stderr, one line rewritten in place (tqdm is not a dependency)."""
    def show(done: int) -> None:
        print(f"\r{done}/{total} rows", end="\n" if done >= total else "", file=sys.stderr, flush=True)
    return show


def _import_report(results, *, heading: str) -> str:
    """The rows not credited (with their row number), then a table of outcomes and the points."""
    from collections import Counter

    from points.partners.events import OUTCOMES

    listed = [f"row {result.row} id={result.id!r}: {result.outcome}" + (f" ({result.problem})" if result.problem
                                                                          else "")
              for result in results if result.outcome not in ("credited", "duplicate")]
    counts = Counter(result.outcome for result in results)
    table = [f"{'outcome':<20}{'rows':>8}", *(f"{outcome:<20}{counts[outcome]:>8}" for outcome in OUTCOMES),
             f"{'points':<20}{sum(result.points for result in results):>8}"]
    return "\n".join([*listed, heading, *table])


def cmd_import_partner(args) -> str:
    """Parse the whole file first, then import in chunks; rows not credited are listed with their row number."""
    from db.engine import read_session
    from points.partners.imports import import_events, read_events_csv
    from points.partners.registry import partner_by_name

    with open(args.file, encoding="utf-8-sig", newline="") as lines:
        parsed = read_events_csv(lines)
    with read_session() as session:
        partner = partner_by_name(session, name=args.partner)
    total = len(parsed.events) + len(parsed.malformed)
    results = import_events(parsed, partner_id=partner.id, dry_run=args.dry_run, progress=_stderr_counter(total))
    heading = "dry run, nothing written" if args.dry_run else f"imported {total} rows for {partner.name}"
    return _import_report(results, heading=heading)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations (as DATABASE_OWNER_URL when set) and set the "
                        "privileges of DATABASE_URL's role").set_defaults(run=cmd_migrate)
    grant = commands.add_parser("grant-portal-role", help="give a PostgreSQL role the portal's privileges, no more")
    grant.add_argument("role")
    grant.set_defaults(run=cmd_grant_portal_role)
    seed = commands.add_parser("seed", help="load the city's catalogue, places and rewards")
    seed.add_argument("--demo", action="store_true", help="also the demo accounts and events")
    seed.set_defaults(run=cmd_seed)
    create = commands.add_parser("create-user", help="create an account; password from a prompt or stdin")
    create.add_argument("name")
    create.add_argument("--role", default=RESIDENT, choices=ROLES)
    create.add_argument("--display-name")
    create.set_defaults(run=cmd_create_user)
    verify = commands.add_parser("verify-ledger", help="check every hash chain and balance; exit 1 naming the "
                                 "first bad entry")
    verify.add_argument("--against", metavar="FILE", help="also check every anchor in FILE (ledger-head --append)")
    verify.add_argument("--workers", type=int, metavar="N", help="processes checking ranges of users (default: one "
                        "per 250,000 entries, at most one per core)")
    verify.set_defaults(run=cmd_verify_ledger)
    head = commands.add_parser("ledger-head", help="print one digest over all chain heads, to keep outside the "
                               "database")
    head.add_argument("--append", metavar="FILE", help="also append an anchor of every entry so far to FILE, "
                      "to keep outside the database")
    head.set_defaults(run=cmd_ledger_head)
    backup = commands.add_parser("backup", help="write a consistent backup of the database while the portal runs "
                                 "(SQLite online backup; pg_dump's custom format on PostgreSQL)")
    backup.add_argument("--out", required=True, help="the backup file to write")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser("restore", help="replace the database with a backup (one transaction on "
                                  "PostgreSQL); refuses a file that is not one")
    restore.add_argument("file", help="a file written by `backup`")
    restore.set_defaults(run=cmd_restore)
    export = commands.add_parser("export-ledger", help="write every ledger entry to a CSV file")
    export.add_argument("--out", required=True)
    export.set_defaults(run=cmd_export_ledger)
    qr = commands.add_parser("qr", help="write a checkpoint's printable check-in code (PNG, or PDF by extension)")
    qr.add_argument("checkpoint_id", type=int)
    qr.add_argument("--out", required=True)
    qr.set_defaults(run=cmd_qr)
    feed = commands.add_parser("credit-feed",
                               help="write each resident's green credit score (CSV or JSON by extension)")
    feed.add_argument("--out", required=True)
    feed.set_defaults(run=cmd_credit_feed)
    commands.add_parser("refresh-rollups", help="fold new ledger entries into the dashboard's rollups and raise "
                        "anomaly flags").set_defaults(run=cmd_refresh_rollups)
    partner = commands.add_parser("create-partner", help="register a partner system; prints its id and its "
                                  "secret, once")
    partner.add_argument("name")
    partner.add_argument("--kind", default="other", choices=PARTNER_KINDS)
    partner.add_argument("--actions", required=True, help="catalogue codes it may report, comma-separated")
    partner.add_argument("--rate-limit", type=int, default=120, help="requests per minute")
    partner.set_defaults(run=cmd_create_partner)
    rotate = commands.add_parser("rotate-partner-key", help="a new secret for a partner, printed once; the old "
                                 "key keeps working for the overlap")
    rotate.add_argument("name")
    rotate.add_argument("--overlap-hours", type=float, default=24)
    rotate.set_defaults(run=cmd_rotate_partner_key)
    link = commands.add_parser("link-code", help="a one-time code linking a resident's partner account, "
                               "consent given in person at a service desk")
    link.add_argument("username")
    link.add_argument("partner")
    link.add_argument("--operator", help="who took the consent (default: the login running this)")
    link.set_defaults(run=cmd_link_code)
    city = commands.add_parser("link-city-account", help="let a city account (OpenID Connect issuer and "
                               "subject) sign in as this account, whatever its role")
    city.add_argument("username")
    city.add_argument("--issuer", required=True)
    city.add_argument("--subject", required=True)
    city.add_argument("--operator", help="who asked for the mapping (default: the login running this)")
    city.set_defaults(run=cmd_link_city_account)
    cancel = commands.add_parser("cancel-project", help="cancel a project and give every gift back, once; "
                                 "re-running refunds only what is left")
    cancel.add_argument("project_id", type=int)
    cancel.add_argument("--reason", required=True, help="why, kept in the audit log")
    cancel.add_argument("--by", metavar="USERNAME", help="the admin who decided (default: the operator, no account)")
    cancel.set_defaults(run=cmd_cancel_project)
    imports = commands.add_parser("import-partner", help="credit a partner's CSV file (id,subject,action,quantity,"
                                  "occurred_at); re-running it writes nothing")
    imports.add_argument("file")
    imports.add_argument("--partner", required=True)
    imports.add_argument("--dry-run", action="store_true", help="show the outcomes, write nothing")
    imports.set_defaults(run=cmd_import_partner)
    expire = commands.add_parser("expire-points", help="write the expire entries that are due under "
                                 "GREEN_EGRET_POINTS_EXPIRE_YEARS and warn residents; re-running writes nothing")
    expire.add_argument("--now", type=_moment, help="act as at this ISO time (default: now)")
    expire.set_defaults(run=cmd_expire_points)
    remind = commands.add_parser("remind-events", help="message residents signed up for an event starting within "
                                 "24 hours, once each")
    remind.add_argument("--now", type=_moment, help="act as at this ISO time (default: now)")
    remind.set_defaults(run=cmd_remind_events)
    mail = commands.add_parser("send-mail", help="send the e-mail copies of inbox messages waiting in the outbox; "
                               "re-running sends nothing twice")
    mail.add_argument("--limit", type=int, help="send at most this many letters (default: all that are due)")
    mail.set_defaults(run=cmd_send_mail)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        message = args.run(args)
    except DomainError as error:
        print(f"error: {error.code} {error.params or ''}".rstrip(), file=sys.stderr)
        return 1
    except Exception as error:  # one line for the operator, not a traceback
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if message:
        print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
