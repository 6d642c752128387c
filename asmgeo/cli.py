"""Command line: ``python -m asmgeo init-store|demo|layers|import-ratings|validate|import|batches|approve|undo|export-map``.

Errors become one sentence and exit code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from asmgeo.config import DEFAULT_DEMO_SITES, default_language
from asmgeo.demo.install import RASTERS, install_demo, remove_demo
from asmgeo.domain import mpf, ratings_io
from asmgeo.errors import AsmgeoError, RatingsFileError
from asmgeo.i18n import DEFAULT_LANGUAGE, LANGUAGES, number, t
from asmgeo.ingest import commit
from asmgeo.ingest.mapping import Mapping, is_mapping_file, resolve_mapping, save_mapping
from asmgeo.ingest.named_mappings import check_name, load_named_mapping, names_by_hash, save_named_mapping
from asmgeo.ingest.validate import validate_file, with_provenance
from asmgeo.schema import UPLOAD_LAYERS
from asmgeo.shipped import boundaries, reference
from asmgeo.store import Store, batches, open_store
from asmgeo.store.base import upgrade_text

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_UNREADABLE = 2


def _non_negative(text: str, lang: str = DEFAULT_LANGUAGE) -> int:
    """argparse type: an integer ≥ 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(t("cli.negative_sites", lang, value=value))
    return value


def _iso3(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """argparse type: three letters, returned in capitals (whether the country exists is checked later)."""
    if not re.fullmatch(r"[A-Za-z]{3}", text.strip()):
        raise argparse.ArgumentTypeError(t("handout.cli.bad_iso3", lang, value=text))
    return text.strip().upper()


def _html_file(text: str, lang: str = DEFAULT_LANGUAGE) -> Path:
    """argparse type: a path ending in .html or .htm."""
    if Path(text).suffix.lower() not in (".html", ".htm"):
        raise argparse.ArgumentTypeError(t("handout.cli.bad_out", lang, value=text))
    return Path(text)


def requested_language(argv: Sequence[str] | None) -> str:
    """The ``--lang`` given anywhere on the command line, else ``ASMGEO_LANG``, else English."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _ = early.parse_known_args(argv)
    return known.lang if known.lang in LANGUAGES else default_language()


def _add_lang_option(parser: argparse.ArgumentParser, lang: str, default: object) -> None:
    """``--lang en|fr|es`` on ``parser`` (kept when the parser already has its own)."""
    if "--lang" not in parser._option_string_actions:
        parser.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help.lang", lang))


def _help(key: str, lang: str) -> str:
    """A help text for argparse, whose own formatting would take a ``%`` (``%d/%m/%Y``) for a placeholder."""
    return t(key, lang).replace("%", "%%")


def _add_mapping_options(parser: argparse.ArgumentParser, lang: str) -> None:
    """The options that map a file's columns to our fields (``validate`` and ``import``; DESIGN §4)."""
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN[,COLUMN…]",
                        help=_help("cli.help.map", lang))
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help=_help("cli.help.set", lang))
    parser.add_argument("--value", action="append", default=[], metavar="FIELD:FROM=TO",
                        help=_help("cli.help.value", lang))
    parser.add_argument("--generate-ids", action="store_true", help=_help("cli.help.generate_ids", lang))
    parser.add_argument("--mapping", metavar="NAME|FILE.json", help=_help("cli.help.mapping", lang))
    parser.add_argument("--save-mapping", metavar="NAME|FILE.json", help=_help("cli.help.save_mapping", lang))
    parser.add_argument("--source-layer", metavar="NAME", help=_help("cli.help.source_layer", lang))
    parser.add_argument("--date-format", metavar="FORMAT", help=_help("cli.help.date_format", lang))
    parser.add_argument("--dedupe-by", metavar="COLUMN", help=_help("cli.help.dedupe_by", lang))


def _mapping(args: argparse.Namespace) -> Mapping | None:
    """The mapping the options give (None when they give none); ``--mapping NAME`` is read from the store."""
    if args.save_mapping and not is_mapping_file(args.save_mapping):
        args.save_mapping = check_name(args.save_mapping, lang=args.lang)  # a bad name is refused before any work
    base = None
    if args.mapping:
        base = resolve_mapping(args.mapping, args.layer, lang=args.lang,
                               named=lambda name: load_named_mapping(_open(args), name, args.layer, lang=args.lang))
    mapping = Mapping.from_cli(args.layer, args.map, args.set, args.value, generate_ids=args.generate_ids,
                               date_format=args.date_format, dedupe_by=args.dedupe_by,
                               source_layer=args.source_layer, base=base, lang=args.lang)
    return None if mapping.is_empty and not args.save_mapping else mapping


def _save_mapping(args: argparse.Namespace, mapping: Mapping | None) -> None:
    """Keep the mapping used (``--save-mapping``: a FILE.json, or a NAME in the store); say so on stderr."""
    if not args.save_mapping or mapping is None:
        return
    if is_mapping_file(args.save_mapping):
        save_mapping(mapping, args.save_mapping, lang=args.lang)
        print(t("cli.mapping_saved", args.lang, path=args.save_mapping), file=sys.stderr)
        return
    store = _open(args)
    save_named_mapping(store, args.save_mapping, mapping, getattr(args, "by", None) or commit.default_user(),
                       lang=args.lang)
    print(t("cli.mapping_saved_named", args.lang, name=args.save_mapping, path=store.location), file=sys.stderr)


def build_parser(lang: str = DEFAULT_LANGUAGE) -> argparse.ArgumentParser:
    """The ``asmgeo`` argument parser with its subcommands, its help texts in ``lang``."""
    parser = argparse.ArgumentParser(prog="python -m asmgeo", description=t("cli.description", lang))
    _add_lang_option(parser, lang, lang)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help=t("cli.help.demo", lang))
    demo.add_argument("--sites", type=lambda text: _non_negative(text, lang), default=DEFAULT_DEMO_SITES,
                      help=t("cli.help.sites", lang))
    demo.add_argument("--remove", action="store_true", help=t("cli.help.demo_remove", lang))
    layers = commands.add_parser("layers", help=t("cli.help.layers", lang))
    layers.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    ratings = commands.add_parser("import-ratings", help=t("cli.help.import_ratings", lang))
    ratings.add_argument("file", help=t("cli.help.ratings_file", lang))
    ratings.add_argument("--edition", help=t("cli.help.edition", lang))
    template = commands.add_parser("ratings-template", help=t("cli.help.ratings_template", lang))
    template.add_argument("--out", help=t("cli.help.out", lang))
    validate = commands.add_parser("validate", help=t("cli.help.validate", lang))
    validate.add_argument("file", help=t("cli.help.upload_file", lang))
    validate.add_argument("--layer", required=True, choices=UPLOAD_LAYERS, help=t("cli.help.layer", lang))
    validate.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    _add_mapping_options(validate, lang)
    upload = commands.add_parser("import", help=t("cli.help.import", lang))
    upload.add_argument("file", help=t("cli.help.upload_file", lang))
    upload.add_argument("--layer", required=True, choices=UPLOAD_LAYERS, help=t("cli.help.layer", lang))
    upload.add_argument("--by", help=t("cli.help.by", lang))
    upload.add_argument("--strict", action="store_true", help=t("cli.help.strict", lang))
    upload.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    _add_mapping_options(upload, lang)
    upload.add_argument("--source", metavar="TEXT", help=_help("cli.help.source", lang))
    upload.add_argument("--licence", metavar="TEXT", help=_help("cli.help.licence", lang))
    commands.add_parser("init-store", help=t("cli.help.init_store", lang))
    listing = commands.add_parser("batches", help=t("cli.help.batches", lang))
    listing.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.help.format", lang))
    approve = commands.add_parser("approve", help=t("cli.help.approve", lang))
    approve.add_argument("batch", help=t("cli.help.batch", lang))
    undo = commands.add_parser("undo", help=t("cli.help.undo", lang))
    undo.add_argument("batch", help=t("cli.help.batch", lang))
    export = commands.add_parser("export-map", help=t("handout.cli.help", lang))
    scope = export.add_mutually_exclusive_group(required=True)
    scope.add_argument("--region", choices=reference.REGIONS, help=t("handout.cli.help_region", lang))
    scope.add_argument("--country", metavar="ISO3", type=lambda text: _iso3(text, lang),
                       help=t("handout.cli.help_country", lang))
    export.add_argument("--out", required=True, type=lambda text: _html_file(text, lang),
                        help=t("handout.cli.help_out", lang))
    for command in commands.choices.values():  # --lang after the command too; SUPPRESS keeps one given before
        _add_lang_option(command, lang, argparse.SUPPRESS)
    return parser


def _open(args: argparse.Namespace) -> Store:
    """The configured store, its schema brought up to date first; an upgrade is said on stderr."""
    store = open_store()
    upgrade = store.upgrade()
    if upgrade is not None:
        print(upgrade_text(upgrade, args.lang), file=sys.stderr)
    return store


def cmd_init_store(args: argparse.Namespace) -> int:
    """Create the store, or upgrade its schema to the current version; say what was done."""
    store = open_store()
    upgrade = store.upgrade(create=True)
    if upgrade is None:
        print(t("cli.store_current", args.lang, path=store.location, version=store.schema_version()))
    else:
        print(upgrade_text(upgrade, args.lang))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo and say what was written (``--remove``: remove exactly the demo and say what went)."""
    store = _open(args)
    if args.remove:
        return _remove_demo(store, args.lang)
    report = install_demo(store, n_sites=args.sites)
    counts = ", ".join(t("cli.layer_count", args.lang, layer=name, count=number(count, args.lang))  # layer names as stored
                       for name, count in report.counts.items())
    print(t("cli.demo_built", args.lang, path=store.location, counts=counts,
                                        seconds=number(report.seconds, args.lang, decimals=1)))
    return EXIT_OK


def _remove_demo(store: Store, lang: str) -> int:
    """``demo --remove``: the synthetic features and demo rasters go; say how many of each."""
    counts = remove_demo(store)
    layers = ", ".join(t("cli.layer_count", lang, layer=name, count=number(count, lang))
                       for name, count in counts.items() if name != RASTERS)
    print(t("cli.demo_removed", lang, path=store.location, counts=layers, rasters=number(counts[RASTERS], lang)))
    return EXIT_OK


def cmd_layers(args: argparse.Namespace) -> int:
    """List the layers of the store, each with the sources it really holds."""
    store = _open(args)
    if not store.exists():
        raise AsmgeoError(t("cli.no_store", args.lang, path=store.location))
    infos = store.summary()
    if args.format == "json":
        print(json.dumps([asdict(info) for info in infos], ensure_ascii=False))
        return EXIT_OK
    for info in infos:
        print(t("cli.layers_header", args.lang, **{**asdict(info), "features": number(info.features, args.lang)}))
        for held in info.sources:
            print(t("cli.layers_source", args.lang, features=number(held["features"], args.lang),
                    source=held["source"] or t("cli.no_source", args.lang),
                    licence=held["licence"] or t("cli.no_licence", args.lang),
                    synthetic=t("cli.synthetic", args.lang) if held["synthetic"] else ""))
    return EXIT_OK


def cmd_import_ratings(args: argparse.Namespace) -> int:
    """Check a ratings file; store it as a new edition, or list every problem and store nothing."""
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise AsmgeoError(t("cli.ratings_unreadable", args.lang, path=path, reason=exc.strerror or exc)) from None
    known = set(boundaries.load_countries("web")["iso3"])
    try:
        ratings = ratings_io.parse_ratings(content, known, mpf.ITEM_AREA, args.lang)
    except RatingsFileError as exc:
        print(t("cli.ratings_rejected", args.lang, path=path, count=len(exc.problems)), file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_REJECTED
    store = _open(args)
    edition = ratings_io.store_ratings(store, ratings, args.edition or path.name)
    print(t("cli.ratings_stored", args.lang, edition=edition, rows=number(len(ratings), args.lang), path=store.location,
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
    mapping = _mapping(args)
    report = validate_file(Path(args.file), args.layer, boundaries.load_countries("full"), lang=args.lang,
                           mapping=mapping)
    _save_mapping(args, mapping)
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return report.exit_code
    if report.file_error is not None:
        print(t("cli.error", args.lang, message=report.file_error.message), file=sys.stderr)
        return report.exit_code
    _print_report(report, args.lang)
    return report.exit_code


def cmd_import(args: argparse.Namespace) -> int:
    """Validate an upload and store its accepted features in one transaction; exit 0, 1 or 2 (DESIGN §4)."""
    mapping = _mapping(args)
    report = validate_file(Path(args.file), args.layer, boundaries.load_countries("full"), lang=args.lang,
                           mapping=mapping)
    report = with_provenance(report, args.source, args.licence)
    _save_mapping(args, mapping)
    result = commit.ImportResult(None, 0)
    if report.exit_code != EXIT_UNREADABLE:
        result = commit.import_report(_open(args), report, by=args.by, strict=args.strict)
        report = dataclasses.replace(report, skipped_existing=result.skipped_existing)
    exit_code = EXIT_REJECTED if result.duplicate_of is not None else report.exit_code
    if result.duplicate_of is not None:
        print(t("cli.import_duplicate", args.lang, file=report.file_name, layer=report.layer, batch=result.duplicate_of),
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.to_json(batch=result.batch), ensure_ascii=False))
        return exit_code
    if report.file_error is not None:
        print(t("cli.error", args.lang, message=report.file_error.message), file=sys.stderr)
        return exit_code
    _print_report(report, args.lang)
    if result.batch is not None:
        print(t("cli.import_done", args.lang, written=number(result.written, args.lang),
                features=number(report.features, args.lang), file=report.file_name,
                layer=report.layer, batch=result.batch))
    elif args.strict and report.rejected_count:
        print(t("cli.import_strict", args.lang, file=report.file_name, rejected=number(report.rejected_count, args.lang)),
              file=sys.stderr)
    elif result.skipped_existing:
        print(t("cli.import_all_skipped", args.lang, file=report.file_name, layer=report.layer), file=sys.stderr)
    elif result.duplicate_of is None:
        print(t("cli.import_nothing", args.lang, file=report.file_name, layer=report.layer), file=sys.stderr)
    return exit_code


def _print_report(report, lang: str = DEFAULT_LANGUAGE) -> None:
    """The validate summary line and one line per issue (codes stay as they are, the words are ``lang``'s)."""
    errors = sum(issue.severity == "error" for issue in report.issues)
    counts = {"features": report.features, "accepted": report.accepted_count, "rejected": report.rejected_count,
              "errors": errors, "warnings": len(report.issues) - errors}
    print(t("cli.validate_summary", lang, file=report.file_name, layer=report.layer,
            **{name: number(value, lang) for name, value in counts.items()}))
    for issue in report.issues:
        print(t("cli.issue_line", lang, feature="-" if issue.feature is None else issue.feature,
                severity=t(f"cli.severity.{issue.severity}", lang), code=issue.code, message=issue.message))
    if report.skipped_existing:
        print(t("cli.skipped_existing", lang, count=number(report.skipped_existing, lang)))



def cmd_batches(args: argparse.Namespace) -> int:
    """List the import batches (text lines or one JSON array), each with its provenance, mapping and skipped count."""
    store = _open(args)
    frame = batches.list_batches(store)
    names = names_by_hash(store) if not frame.empty else {}
    records = [{**record, "mapping_names": names.get(str(record["mapping_hash"]), []) if record["mapping_hash"] else []}
               for record in frame.to_dict(orient="records")]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False))
    elif frame.empty:
        print(t("cli.batches_empty", args.lang, path=store.location))
    else:
        for record in records:
            print(t("cli.batches_row", args.lang, **{**record, "status": t(f"cli.status.{record['status']}", args.lang),
                                                     "source": record["source"] or t("cli.no_source", args.lang),
                                                     "licence": record["licence"] or t("cli.no_licence", args.lang),
                                                     "mapping": _mapping_label(record, args.lang),
                                                     "skipped": number(record["skipped_existing"], args.lang)}))
    return EXIT_OK


def _mapping_label(record: dict, lang: str) -> str:
    """How a batch's mapping is named: its name(s) in the store, "given on the command line", or none."""
    if not record["mapping_hash"]:
        return t("cli.batch_no_mapping", lang)
    if record["mapping_names"]:
        return ", ".join(record["mapping_names"])
    return t("cli.batch_mapping_given", lang)


def cmd_approve(args: argparse.Namespace) -> int:
    """Approve one pending batch."""
    store = _open(args)
    batches.approve(store, args.batch)
    record = batches.get_batch(store, args.batch)
    print(t("cli.batch_approved", args.lang, batch=args.batch, file_name=record["file_name"], layer=record["layer"]))
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    """Delete the rows of one batch and mark it undone."""
    store = _open(args)
    deleted = batches.undo(store, args.batch)
    layer = batches.get_batch(store, args.batch)["layer"]
    print(t("cli.batch_undone", args.lang, batch=args.batch, deleted=number(deleted, args.lang), layer=layer))
    return EXIT_OK


def cmd_export_map(args: argparse.Namespace) -> int:
    """Write the offline hand-out map of a region or a country; say where and how big it is."""
    from asmgeo.outputs import handout  # folium and rasterio load for this command only

    store = _open(args)
    if not store.exists():
        raise AsmgeoError(t("cli.no_store", args.lang, path=store.location))
    countries = None
    if args.country is not None:
        if args.country not in set(boundaries.load_countries("web")["iso3"]):
            raise AsmgeoError(t("handout.unknown_country", args.lang, code=args.country))
        countries = [args.country]
    page = handout.handout_html(store, region=args.region, countries=countries, lang=args.lang).encode("utf-8")
    try:
        args.out.write_bytes(page)
    except OSError as exc:
        raise AsmgeoError(t("handout.cli.unwritable", args.lang, path=args.out, reason=exc.strerror or exc)) from None
    print(t("handout.cli.written", args.lang, path=args.out, size=number(len(page) / 2**20, args.lang, 1),
            bytes=number(len(page), args.lang)))
    if len(page) > handout.SIZE_BUDGET_BYTES:
        print(t("handout.cli.over_budget", args.lang, budget=number(handout.SIZE_BUDGET_BYTES / 2**20, args.lang)),
              file=sys.stderr)
    return EXIT_OK


COMMANDS = {"demo": cmd_demo, "layers": cmd_layers, "import-ratings": cmd_import_ratings,
            "ratings-template": cmd_ratings_template}
COMMANDS["validate"] = cmd_validate
COMMANDS.update({"import": cmd_import, "batches": cmd_batches, "approve": cmd_approve, "undo": cmd_undo})
COMMANDS["export-map"] = cmd_export_map
COMMANDS["init-store"] = cmd_init_store


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command in the language of ``--lang`` (or ``ASMGEO_LANG``); an :class:`AsmgeoError` is one sentence."""
    try:
        lang = requested_language(argv)
    except AsmgeoError as exc:
        print(t("cli.error", DEFAULT_LANGUAGE, message=exc), file=sys.stderr)
        return EXIT_UNREADABLE
    args = build_parser(lang).parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AsmgeoError as exc:
        print(t("cli.error", args.lang, message=exc), file=sys.stderr)
        return EXIT_UNREADABLE
