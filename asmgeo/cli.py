"""Command line: ``python -m asmgeo demo|layers|import-ratings|validate|import|batches|approve|undo``.

Errors become one sentence and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from asmgeo import batches, boundaries, mpf, ratings_io, reference
from asmgeo.config import DEFAULT_DEMO_SITES
from asmgeo.errors import AsmgeoError, RatingsFileError
from asmgeo.i18n import t
from asmgeo.install import install_demo
from asmgeo.schema import UPLOAD_LAYERS
from asmgeo.store import open_store
from asmgeo.validate import validate_file

EXIT_OK = 0
EXIT_REJECTED = 1
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
    ratings = commands.add_parser("import-ratings", help="store official Pillar 6 ratings (filled template) as a new edition")
    ratings.add_argument("file", help="the filled-in ratings CSV (see the template on the country profiles page)")
    ratings.add_argument("--edition", help="edition label (default: the file name)")
    template = commands.add_parser("ratings-template", help="write the Pillar 6 ratings template (CSV) to fill in")
    template.add_argument("--out", help="file to write (default: standard output)")
    validate = commands.add_parser("validate", help="read and check an upload (survey file); writes nothing")
    validate.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ or CSV")
    validate.add_argument("--layer", required=True, choices=UPLOAD_LAYERS, help="the layer the file is for")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    upload = commands.add_parser("import", help="validate an upload and store its accepted features as a pending batch")
    upload.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ or CSV")
    upload.add_argument("--layer", required=True, choices=UPLOAD_LAYERS, help="the layer the file is for")
    upload.add_argument("--by", help="who imports (default: the OS user)")
    upload.add_argument("--strict", action="store_true", help="import nothing when any feature is rejected")
    upload.add_argument("--format", choices=("text", "json"), default="text")
    listing = commands.add_parser("batches", help="list the import batches with their status")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    approve = commands.add_parser("approve", help="approve a pending import batch")
    approve.add_argument("batch", help="the batch id (see `batches`)")
    undo = commands.add_parser("undo", help="delete the rows of an import batch and mark it undone")
    undo.add_argument("batch", help="the batch id (see `batches`)")
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


def cmd_import_ratings(args: argparse.Namespace) -> int:
    """Check a ratings file; store it as a new edition, or list every problem and store nothing."""
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise AsmgeoError(f"The ratings file {path} cannot be read: {exc.strerror or exc}.") from None
    known = set(boundaries.load_countries("web")["iso3"])
    try:
        ratings = ratings_io.parse_ratings(content, known, mpf.ITEM_AREA)
    except RatingsFileError as exc:
        print(t("cli.ratings_rejected", path=path, count=len(exc.problems)), file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_REJECTED
    store = open_store()
    edition = ratings_io.store_ratings(store, ratings, args.edition or path.name)
    print(t("cli.ratings_stored", edition=edition, rows=len(ratings), path=store.location,
            countries=", ".join(sorted(ratings["iso3"].unique()))))
    return EXIT_OK


def cmd_ratings_template(args: argparse.Namespace) -> int:
    """Write the ratings template: one row per assessed country × Pillar 6 item."""
    content = ratings_io.template_csv(reference.assessments(), mpf.ITEM_AREA)
    if args.out:
        Path(args.out).write_bytes(content)
    else:
        sys.stdout.write(content.decode("utf-8"))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check an upload and print the report (text or one JSON object); exit 0, 1 or 2 (DESIGN §4)."""
    report = validate_file(Path(args.file), args.layer, boundaries.load_countries("full"))
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return report.exit_code
    if report.file_error is not None:
        print(f"{t('error.prefix')}: {report.file_error.message}", file=sys.stderr)
        return report.exit_code
    _print_report(report)
    return report.exit_code


def cmd_import(args: argparse.Namespace) -> int:
    """Validate an upload and store its accepted features in one transaction; exit 0, 1 or 2 (DESIGN §4)."""
    report = validate_file(Path(args.file), args.layer, boundaries.load_countries("full"))
    result = batches.ImportResult(None, 0)
    if report.exit_code != EXIT_UNREADABLE:
        result = batches.import_report(open_store(), report, by=args.by, strict=args.strict)
    exit_code = EXIT_REJECTED if result.duplicate_of is not None else report.exit_code
    if result.duplicate_of is not None:
        print(t("cli.import_duplicate", file=report.file_name, layer=report.layer, batch=result.duplicate_of),
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.to_json(batch=result.batch), ensure_ascii=False))
        return exit_code
    if report.file_error is not None:
        print(f"{t('error.prefix')}: {report.file_error.message}", file=sys.stderr)
        return exit_code
    _print_report(report)
    if result.batch is not None:
        print(t("cli.import_done", written=result.written, features=report.features, file=report.file_name,
                layer=report.layer, batch=result.batch))
    elif args.strict and report.rejected_count:
        print(t("cli.import_strict", file=report.file_name, rejected=report.rejected_count), file=sys.stderr)
    elif result.duplicate_of is None:
        print(t("cli.import_nothing", file=report.file_name, layer=report.layer), file=sys.stderr)
    return exit_code


def _print_report(report) -> None:
    """The validate summary line and one line per issue."""
    errors = sum(issue.severity == "error" for issue in report.issues)
    print(t("cli.validate_summary", file=report.file_name, layer=report.layer, features=report.features,
            accepted=report.accepted_count, rejected=report.rejected_count, errors=errors,
            warnings=len(report.issues) - errors))
    for issue in report.issues:
        print(f"#{'-' if issue.feature is None else issue.feature} {issue.severity} {issue.code}: {issue.message}")


def cmd_batches(args: argparse.Namespace) -> int:
    """List the import batches (text lines or one JSON array)."""
    store = open_store()
    frame = batches.list_batches(store)
    if args.format == "json":
        print(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False))
    elif frame.empty:
        print(t("cli.batches_empty", path=store.location))
    else:
        for record in frame.to_dict(orient="records"):
            print(t("cli.batches_row", **record))
    return EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    """Approve one pending batch."""
    store = open_store()
    batches.approve(store, args.batch)
    record = batches.get_batch(store, args.batch)
    print(t("cli.batch_approved", batch=args.batch, file_name=record["file_name"], layer=record["layer"]))
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    """Delete the rows of one batch and mark it undone."""
    store = open_store()
    deleted = batches.undo(store, args.batch)
    layer = batches.get_batch(store, args.batch)["layer"]
    print(t("cli.batch_undone", batch=args.batch, deleted=deleted, layer=layer))
    return EXIT_OK


COMMANDS = {"demo": cmd_demo, "layers": cmd_layers, "import-ratings": cmd_import_ratings,
            "ratings-template": cmd_ratings_template}
COMMANDS["validate"] = cmd_validate
COMMANDS.update({"import": cmd_import, "batches": cmd_batches, "approve": cmd_approve, "undo": cmd_undo})


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an :class:`AsmgeoError` is printed as one sentence on stderr."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AsmgeoError as exc:
        print(f"{t('error.prefix')}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
