# Fixture: argparse with subcommands, types, choices, help output and an error.
import argparse

p = argparse.ArgumentParser(prog="raison", description="Minimal roots.")
p.add_argument("-v", "--verbose", action="count", default=0)
sub = p.add_subparsers(dest="cmd", required=True)
c = sub.add_parser("closure", help="compute a closure")
c.add_argument("root")
c.add_argument("--seed", action="append", default=[])
c.add_argument("--bytecode", choices=["keep", "drop"], default="keep")
c.add_argument("--jobs", type=int, default=1)
ns = p.parse_args(["-vv", "closure", "/srv/root", "--seed", "/a", "--seed", "/b", "--jobs", "4"])
print(sorted(vars(ns).items()))
print(p.format_usage().strip())
try:
    p.parse_args(["closure", "/r", "--bytecode", "maybe"])
except SystemExit as e:
    print("exit", e.code)
