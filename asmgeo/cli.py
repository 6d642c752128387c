"""Command line: ``python -m asmgeo demo|layers``; errors become one sentence and exit code 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict

from asmgeo.config import DEFAULT_DEMO_SITES
from asmgeo.errors import AsmgeoError
from asmgeo.i18n import t
from asmgeo.install import install_demo
from asmgeo.store import open_store

EXIT_OK = 0
EXIT_UNREADABLE = 2


def _non_negative(text: str) -> int:
    """argparse type: an integer ≥ 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give a number of sites ≥ 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``asmgeo`` argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog="python -m asmgeo", description="ASM sites beside the MPF Pillar 6 record.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="(re)build the synthetic demo layers in the store")
    demo.add_argument("--sites", type=_non_negative, default=DEFAULT_DEMO_SITES, help="number of demo sites")
    layers = commands.add_parser("layers", help="list the store's layers with feature counts, source and licence")
    layers.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo and say what was written."""
    store = open_store()
    report = install_demo(store, n_sites=args.sites)
    counts = ", ".join(f"{name} {count}" for name, count in report.counts.items())
    print(t("cli.demo_built", path=store.location, counts=counts, seconds=report.seconds))
    return EXIT_OK


def cmd_layers(args: argparse.Namespace) -> int:
    """List the layers of the store."""
    store = open_store()
    if not store.exists():
        raise AsmgeoError(f"The store {store.location} does not exist; build it with `python -m asmgeo demo`.")
    infos = store.summary()
    if args.format == "json":
        print(json.dumps([asdict(info) for info in infos], ensure_ascii=False))
    else:
        for info in infos:
            print(t("cli.layers_header", **asdict(info)))
    return EXIT_OK


COMMANDS = {"demo": cmd_demo, "layers": cmd_layers}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an :class:`AsmgeoError` is printed as one sentence on stderr."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AsmgeoError as exc:
        print(f"{t('error.prefix')}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
