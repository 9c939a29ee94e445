"""Benchmarks: python -m bench NAME [options]; each NAME is a module bench/NAME.py with main(argv)."""
