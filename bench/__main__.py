"""Run one benchmark: python -m bench ledger|dashboard [options]."""
import importlib
import sys


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print("usage: python -m bench NAME [options]   (NAME: a module in bench/, e.g. ledger)", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{sys.argv[1].replace('-', '_')}")
    return module.main(sys.argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main())
