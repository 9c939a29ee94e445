"""The operator's command line: python manage.py COMMAND [options]. Each command exits non-zero with a
one-line reason on failure."""
import argparse
import getpass
import sys

from points.errors import DomainError


def cmd_migrate(_args) -> str:
    from db.migrate import current_revision, upgrade

    upgrade()
    return f"database at revision {current_revision()}"


def cmd_seed(args) -> str:
    from db.migrate import upgrade
    from points.seed import seed

    upgrade()
    report = seed(demo=args.demo)
    return "seeded: " + ", ".join(f"{name} +{count}" for name, count in report.items())


def cmd_create_user(args) -> str:
    from db.engine import write_session
    from db.migrate import upgrade
    from points.accounts import create_user

    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    upgrade()
    with write_session() as session:
        user = create_user(session, username=args.name, password=password, role=args.role,
                           display_name=args.display_name or args.name)
    return f"created {user.username} ({user.role})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    seed = commands.add_parser("seed", help="load the city's catalogue, places and rewards")
    seed.add_argument("--demo", action="store_true", help="also the demo accounts and events")
    seed.set_defaults(run=cmd_seed)
    create = commands.add_parser("create-user", help="create an account; password from a prompt or stdin")
    create.add_argument("name")
    create.add_argument("--role", default="resident", choices=("resident", "organizer", "admin", "auditor"))
    create.add_argument("--display-name")
    create.set_defaults(run=cmd_create_user)
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
