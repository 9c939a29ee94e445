"""The operator's command line: python manage.py COMMAND [options]. Each command exits non-zero with a
one-line reason on failure."""
import argparse
import getpass
import sys

from points.common.errors import DomainError
from points.common.roles import RESIDENT, ROLES


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
    from points.ledger.verify import verify_ledger

    anchors = []
    if args.against:
        with open(args.against, encoding="utf-8") as lines:
            anchors = read_anchors(lines)
    with read_session() as session:  # one snapshot on SQLite for both checks
        report = verify_ledger(session)
        broken = check_anchors(session, anchors=anchors) if report.ok else None
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
    verify.set_defaults(run=cmd_verify_ledger)
    head = commands.add_parser("ledger-head", help="print one digest over all chain heads, to keep outside the "
                               "database")
    head.add_argument("--append", metavar="FILE", help="also append an anchor of every entry so far to FILE, "
                      "to keep outside the database")
    head.set_defaults(run=cmd_ledger_head)
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
