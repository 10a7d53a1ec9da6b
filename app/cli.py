"""The command line: `python -m app init | import | export | seed | report | digest |
send-reminders | summarise | match | bench | grant | users | serve`.

Each command reads `DATABASE_URL` (default: the embedded SQLite file) and brings the store's
schema up to date first. Exit status: 0 done, 2 refused (bad input, nothing written), 1 the store
could not be reached or refused a write (nothing written). Errors are printed as one plain
sentence, never as a traceback.
"""

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from app.bench import (
    BENCH_FOLDER,
    DEFAULT_POSTGRES_URL,
    POSTGRES_URL_ENV,
    RESULTS_PATH,
    default_postgres_url,
    run_benchmarks,
)
from app.follow_ups import digest, follow_up_queue
from app.headlines import band_counts, headline_figures, store_health
from app.mailer import MailConfigError
from app.matching.pool import MODES, pool_from_program, propose_for_pool
from app.matching.settings import MatchingError, MatchSettings
from app.send_reminders import run_reminders
from app.settings import ProgramSettings, default_as_of, load_settings
from app.startup import fill_empty_store_with_demo, open_store
from app.summary.from_store import prepare_summary
from data_access.app_users import APP_ROLES, AppUserError, app_users, grant_role, remove_access
from data_access.csv_format import FILE_FORMATS, escape_cell
from data_access.db import StoreLocationError
from data_access.exporter import export_directory
from data_access.follow_ups import latest_follow_ups
from data_access.health_inputs import load_health_inputs
from data_access.importer import ImportReport, ImportSourceError, read_directory, run_import
from data_access.importer.mapping import (
    Mapping,
    read_source,
    run_mapped_import,
    saved_mapping,
    suggest_mapping,
)
from data_access.queries import load_program, pair_directory
from data_access.scenarios import matching_frames
from sample_data.seed import SCALES, StoreNotEmptyError, seed_store

EXIT_OK = 0
EXIT_STORE_UNREACHABLE = 1
EXIT_REFUSED = 2


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("init", help="migrate the store; fill an empty one with the demo program")

    importer = commands.add_parser("import", help="import a folder of CSV files or an XLSX file")
    importer.add_argument("source", type=Path, help="folder of CSV files, or an .xlsx workbook")
    importer.add_argument("--dry-run", action="store_true", help="validate and report only")
    importer.add_argument(
        "--kind",
        choices=list(FILE_FORMATS),
        default=None,
        help="what another program's file holds (with --mapping, it may be left out)",
    )
    importer.add_argument(
        "--mapping", type=Path, default=None, help="a mapping TOML file for another program's file"
    )
    importer.add_argument(
        "--mapping-name", default=None, help="a mapping saved in the store (or a shipped preset)"
    )
    importer.add_argument("--sheet", default=None, help="the workbook sheet to read (mapping)")

    exporter = commands.add_parser("export", help="write every table as the import-format CSVs")
    exporter.add_argument("target", type=Path, help="folder to write the CSV files into")

    seeder = commands.add_parser("seed", help="write a deterministic sample program")
    seeder.add_argument("--scale", choices=sorted(SCALES), default="demo")
    seeder.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    seeder.add_argument(
        "--anchor",
        type=_iso_date,
        default=None,
        help="the 'today' the program is built around (default: PAIRPULSE_AS_OF, else today)",
    )
    seeder.add_argument(
        "--replace", action="store_true", help="delete the store's program data first"
    )
    report = commands.add_parser("report", help="print the program's headline metrics")
    report.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        help="the date to report on (default: PAIRPULSE_AS_OF, else today)",
    )

    digester = commands.add_parser("digest", help="print the follow-up queue grouped by owner")
    digester.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        help="the date of the queue (default: PAIRPULSE_AS_OF, else today)",
    )
    digester.add_argument("--out", type=Path, default=None, help="write the Markdown to FILE.md")

    reminders = commands.add_parser(
        "send-reminders", help="queue and send the reminder e-mails due (run it every morning)"
    )
    reminders.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        help="the date the rules are worked out for (default: PAIRPULSE_AS_OF, else today)",
    )
    reminders.add_argument(
        "--dry-run", action="store_true", help="print what is due; queue and send nothing"
    )

    summariser = commands.add_parser(
        "summarise",
        help="work out the executive summary and keep it for the app (run it every morning)",
    )
    summariser.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        help="the date of the summary (default: PAIRPULSE_AS_OF, else today)",
    )

    match = commands.add_parser("match", help="propose pairs for a cohort (what-if pairing)")
    match.add_argument("--cohort", required=True, help="the cohort the new pairs join")
    match.add_argument(
        "--mode",
        choices=MODES,
        default="unmatched",
        help="unmatched: people waiting for a match; rematch: the cohort's open pairs",
    )
    match.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        help="the date the pool is taken on (default: PAIRPULSE_AS_OF, else today)",
    )
    match.add_argument("--out", type=Path, default=None, help="write the proposed pairs as CSV")
    match.add_argument(
        "--protect-weakest", action="store_true", help="raise the lowest score first"
    )
    match.add_argument("--keep-existing", action="store_true", help="favour today's pairs")
    match.add_argument(
        "--max-timezone-hours", type=float, default=None, help="largest time-zone difference"
    )

    bench = commands.add_parser(
        "bench",
        help="the benchmarks: every page cold and warm, health, import, matching, memory, "
        "PostgreSQL; each figure beside its target",
    )
    bench.add_argument(
        "--page-scale",
        choices=sorted(SCALES),
        default="enterprise",
        help="the program the pages are timed on (default enterprise)",
    )
    bench.add_argument("--health-scale", choices=sorted(SCALES), default="enterprise")
    bench.add_argument("--import-scale", choices=sorted(SCALES), default="enterprise")
    bench.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    bench.add_argument(
        "--mapping-rows",
        type=int,
        default=200_000,
        help="rows of the survey export imported through a mapping (default 200000; 0 skips)",
    )
    bench.add_argument(
        "--matching-sizes",
        default="2000,5000",
        help="pool sizes (mentees × mentor places) to time the matching on, comma-separated; "
        "empty for none",
    )
    bench.add_argument(
        "--scales",
        default="",
        help="also time seeding these scales into a fresh store, comma-separated (default none)",
    )
    postgres = bench.add_mutually_exclusive_group()
    postgres.add_argument(
        "--postgres-url",
        default=None,
        help=f"the PostgreSQL database to time the pages on (default ${POSTGRES_URL_ENV}, else "
        f"{DEFAULT_POSTGRES_URL}); created and seeded when missing",
    )
    postgres.add_argument("--no-postgres", action="store_true", help="skip the pages on PostgreSQL")
    bench.add_argument(
        "--no-browser",
        action="store_true",
        help="skip the browser section (what people wait for in Chromium; make bench-browser)",
    )
    bench.add_argument(
        "--results",
        type=Path,
        default=RESULTS_PATH,
        help="where to write the results (default bench/results.json)",
    )
    bench.add_argument(
        "--store-dir",
        type=Path,
        default=BENCH_FOLDER,
        help="where the SQLite stores are kept and reused (default bench/)",
    )

    grant = commands.add_parser(
        "grant",
        help="give an e-mail address a role in sign-in mode, or take its access away (--remove)",
    )
    grant.add_argument("email", help="the address the person signs in with")
    grant.add_argument("role", nargs="?", default=None, help=f"one of: {', '.join(APP_ROLES)}")
    grant.add_argument("--remove", action="store_true", help="take the address's access away")

    commands.add_parser("users", help="list who has access in sign-in mode, and their roles")

    server = commands.add_parser(
        "serve",
        help="serve the app: `streamlit run streamlit_app.py` after importing what every screen "
        "imports, so the first visit after a start does not wait for it",
    )
    server.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        help="passed to streamlit run (e.g. --server.port 8502)",
    )
    return parser


def _init(_args: argparse.Namespace) -> int:
    engine = open_store()
    if fill_empty_store_with_demo(engine):
        print("Store was empty: filled it with the demo program.")
    else:
        print("Store is up to date.")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    engine = open_store()
    started = time.perf_counter()
    mapped = args.mapping is not None or args.mapping_name is not None or args.kind is not None
    try:
        if mapped:
            report = _mapped_import(args, engine)
        else:
            source = read_directory(args.source)
            report = run_import(
                source,
                engine=engine,
                dry_run=args.dry_run,
                actor="cli",
                settings_model=ProgramSettings,
            )
    except ImportSourceError as error:
        print(f"Import refused: {error}", file=sys.stderr)
        return EXIT_REFUSED
    elapsed = time.perf_counter() - started
    stream = sys.stdout if report.ok else sys.stderr
    print(report.as_text(), file=stream)
    if report.ok:
        rows = sum(summary.rows for summary in report.files)
        rate = rows / elapsed if elapsed else float("inf")
        print(f"{rows:,} rows in {elapsed:.1f} s ({rate:,.0f} rows/s)", file=stream)
    return EXIT_OK if report.ok else EXIT_REFUSED


def _mapped_import(args: argparse.Namespace, engine: Any) -> ImportReport:
    """Import another program's file through a mapping (a TOML file, a saved one or a preset),
    or through the mapping suggested from its header when only --kind is given."""
    if args.mapping is not None and args.mapping_name is not None:
        raise ImportSourceError("Give --mapping or --mapping-name, not both.")
    if not args.source.is_file():
        raise ImportSourceError(f"There is no file at {args.source}; a mapping reads one file.")
    if args.mapping is not None:
        try:
            text = args.mapping.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ImportSourceError(f"The mapping {args.mapping} cannot be read.") from error
        mapping: Mapping | None = Mapping.from_toml(text, f"The mapping {args.mapping}")
    elif args.mapping_name is not None:
        mapping = saved_mapping(engine, args.mapping_name)
    else:
        mapping = None
    if mapping is not None and args.kind and args.kind != mapping.kind:
        raise ImportSourceError(
            f"--kind {args.kind} does not agree with the mapping's kind ({mapping.kind})."
        )
    content = args.source.read_bytes()
    sheet = args.sheet or (mapping.sheet if mapping else None)
    skip_rows = mapping.skip_rows if mapping else 0
    table, warnings = read_source(args.source.name, content, sheet=sheet, skip_rows=skip_rows)
    if mapping is None:
        mapping = suggest_mapping(table, args.kind)
        table.rows, table.lines = table.rows[mapping.skip_rows :], table.lines[mapping.skip_rows :]
        print(f"Using the mapping suggested for {args.source.name}:\n{mapping.to_toml()}")
    return run_mapped_import(
        table, mapping, engine=engine, dry_run=args.dry_run, actor="cli", warnings=warnings
    )


def _export(args: argparse.Namespace) -> int:
    engine = open_store()
    counts = export_directory(args.target, engine=engine)
    for name, rows in counts.items():
        print(f"{name}: {rows:,} rows")
    print(f"Exported to {args.target}")
    return EXIT_OK


def _seed(args: argparse.Namespace) -> int:
    engine = open_store()
    started = time.perf_counter()
    try:
        counts = seed_store(
            engine, scale=args.scale, seed=args.seed, anchor=args.anchor, replace=args.replace
        )
    except StoreNotEmptyError as error:
        print(f"Seed refused: {error}", file=sys.stderr)
        return EXIT_REFUSED
    elapsed = time.perf_counter() - started
    for name, rows in counts.items():
        print(f"{name}: {rows:,} rows")
    print(f"Seeded the {args.scale} program (seed {args.seed}) in {elapsed:.1f} s")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    engine = open_store()
    as_of = args.as_of or default_as_of()
    settings = load_settings(engine)
    # Health reads its meeting figures with its own aggregates: not read a second time here.
    program = load_program(engine, as_of=as_of, meetings=False)
    health = store_health(load_health_inputs(engine, as_of=as_of), settings)
    print(f"PairPulse report as of {as_of.isoformat()}")
    for figure in headline_figures(program, health):
        print(f"  {figure.label:<36} {figure.formatted():>10}")
    print("  Active pairs by health band:")
    for band, count in band_counts(health).items():
        print(f"    {band:<34} {count:>10,}")
    for line in _outcome_lines(engine, as_of, settings.min_respondents):
        print(line)
    return EXIT_OK


def _outcome_lines(engine, as_of: date, minimum: int) -> list[str]:
    """`Retention vs comparable colleagues (mentors): …` and the like, mentors and mentees each;
    one line saying so when no workforce was imported (docs/metrics.md)."""
    from app.outcomes import (
        ASSOCIATION_NOTE,
        LINE_LABELS,
        compare_outcomes,
        participant_starts,
        sentence,
    )
    from data_access.workforce import outcome_inputs

    inputs = outcome_inputs(engine, as_of)
    if inputs["employees"].empty:
        return [
            f"{label}: no workforce imported (employees.csv), so nothing to compare with"
            for label in LINE_LABELS.values()
        ]
    starts = participant_starts(inputs["participants"], inputs["pairs"])
    results = compare_outcomes(
        inputs["employees"], inputs["promotions"], starts, as_of=as_of, minimum=minimum
    )
    assert isinstance(results, list)
    lines = [
        f"{LINE_LABELS[result.outcome]} ({result.role}s): {sentence(result)}"
        for result in sorted(results, key=lambda r: r.outcome, reverse=True)
    ]
    return [*lines, f"  {ASSOCIATION_NOTE}"]


def _digest(args: argparse.Namespace) -> int:
    engine = open_store()
    as_of = args.as_of or default_as_of()
    settings = load_settings(engine)
    health = store_health(load_health_inputs(engine, as_of=as_of), settings)
    queue = follow_up_queue(
        health,
        latest_follow_ups(engine, as_of),
        as_of=as_of,
        stall_factor=settings.stall_factor,
    )
    text = digest(queue, as_of=as_of, names=pair_directory(engine))
    if args.out is None:
        print(text, end="")
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(queue):,} pairs in the follow-up digest written to {args.out}")
    return EXIT_OK


def _send_reminders(args: argparse.Namespace) -> int:
    engine = open_store()
    as_of = args.as_of or default_as_of()
    try:
        report = run_reminders(engine, as_of=as_of, dry_run=args.dry_run)
    except MailConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_REFUSED
    for line in report.lines:
        print(line)
    print(f"Reminders as of {as_of.isoformat()}: {report.summary(dry_run=args.dry_run)}")
    return EXIT_OK


def _summarise(args: argparse.Namespace) -> int:
    engine = open_store()
    as_of = args.as_of or default_as_of()
    started = time.perf_counter()
    kept = prepare_summary(engine, as_of)
    seconds = time.perf_counter() - started
    if not kept:
        print(
            f"The executive summary as of {as_of.isoformat()} was worked out in {seconds:.1f} s "
            "but the store did not keep it; the app will work it out on its first visit.",
            file=sys.stderr,
        )
        return EXIT_STORE_UNREACHABLE
    print(
        f"Executive summary as of {as_of.isoformat()} (all cohorts) worked out in "
        f"{seconds:.1f} s and kept: the app's first visit reads it until the program changes."
    )
    return EXIT_OK


MATCH_CSV_COLUMNS = (
    "mentor_id",
    "mentor_name",
    "mentee_id",
    "mentee_name",
    "score",
    "predicted_band",
    "reasons",
)


def _write_pairs_csv(path: Path, pairs) -> None:
    """The proposed pairs as CSV; text cells guarded against spreadsheet formulas."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MATCH_CSV_COLUMNS)
        for row in pairs[list(MATCH_CSV_COLUMNS)].itertuples(index=False):
            writer.writerow(
                [
                    f"{cell:.1f}" if isinstance(cell, float) else escape_cell(str(cell))
                    for cell in row
                ]
            )


def _match(args: argparse.Namespace) -> int:
    engine = open_store()
    as_of = args.as_of or default_as_of()
    frames = matching_frames(engine)
    try:
        settings = MatchSettings(
            protect_weakest=args.protect_weakest,
            keep_existing=args.keep_existing,
            max_timezone_hours=args.max_timezone_hours,
        )
        pool = pool_from_program(
            frames.participants,
            frames.pairs,
            cohorts=frames.cohorts,
            cohort_id=args.cohort,
            mode=args.mode,
            as_of=as_of,
        )
        proposal = propose_for_pool(pool, settings)
    except MatchingError as error:
        print(f"Match refused: {error}", file=sys.stderr)
        return EXIT_REFUSED
    figures = proposal.figures
    print(f"Proposed pairs for cohort {pool.cohort_id} ({args.mode} pool as of {as_of})")
    print(
        f"  {'Mentees matched':<28} {figures.matched:,} of {figures.mentees:,} "
        f"({figures.coverage:.0%})"
    )
    print(
        f"  {'Score total / mean / minimum':<28} {figures.total_score:,.1f} / "
        f"{figures.mean_score:.1f} / {figures.minimum_score:.1f}"
    )
    print(f"  {'Predicted health band':<28} {figures.predicted_band} (a prediction from the score)")
    for row in proposal.unmatched_mentees.itertuples(index=False):
        print(f"  Not matched: {row.mentee_id} {row.mentee_name}: {row.reason}")
    if args.out is not None:
        _write_pairs_csv(args.out, proposal.pairs)
        print(f"{len(proposal.pairs):,} pairs written to {args.out}")
    return EXIT_OK


def _bench(args: argparse.Namespace) -> int:
    scales = [scale.strip() for scale in args.scales.split(",") if scale.strip()]
    unknown = sorted(set(scales) - set(SCALES))
    if unknown:
        print(f"Unknown scale(s): {', '.join(unknown)}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        sizes = [int(size) for size in args.matching_sizes.split(",") if size.strip()]
    except ValueError:
        print(f"Matching sizes must be whole numbers: {args.matching_sizes}", file=sys.stderr)
        return EXIT_REFUSED
    postgres_url = None if args.no_postgres else args.postgres_url or default_postgres_url()
    run_benchmarks(
        page_scale=args.page_scale,
        health_scale=args.health_scale,
        import_scale=args.import_scale,
        runs=max(1, args.runs),
        mapping_rows=max(0, args.mapping_rows),
        matching_sizes=sizes,
        seed_scales=scales,
        postgres_url=postgres_url,
        results_path=args.results,
        store_folder=args.store_dir,
        browser=not args.no_browser,
    )
    return EXIT_OK


CLI_ACTOR = "command line"  # who the audit log names for a change made here


def _grant(args: argparse.Namespace) -> int:
    if args.remove and args.role is not None:
        print("Give a role or --remove, not both; nothing changed.", file=sys.stderr)
        return EXIT_REFUSED
    if not args.remove and args.role is None:
        print(f"Give a role (one of: {', '.join(APP_ROLES)}) or --remove.", file=sys.stderr)
        return EXIT_REFUSED
    engine = open_store()
    try:
        if args.remove:
            message = remove_access(engine, args.email, actor=CLI_ACTOR)
        else:
            message = grant_role(engine, args.email, args.role, actor=CLI_ACTOR)
    except AppUserError as error:
        bad_role = args.role is not None and args.role not in APP_ROLES
        roles = f" The roles are: {', '.join(APP_ROLES)}." if bad_role else ""
        print(f"Refused, nothing changed: {error}{roles}", file=sys.stderr)
        return EXIT_REFUSED
    print(message)
    return EXIT_OK


def _users(_args: argparse.Namespace) -> int:
    rows = app_users(open_store())
    if not rows:
        print("Nobody has access yet: add the first program manager with")
        print("  python -m app grant EMAIL program_manager")
        return EXIT_OK
    width = max(len(row.email) for row in rows)
    for row in rows:
        added = f"added {row.added_at:%Y-%m-%d} by {row.added_by or 'unknown'}"
        print(f"{row.email:<{width}}  {row.role:<15}  {added}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from scripts.serve import serve

    return serve(list(args.options))


COMMANDS = {
    "init": _init,
    "import": _import,
    "export": _export,
    "seed": _seed,
    "report": _report,
    "digest": _digest,
    "send-reminders": _send_reminders,
    "summarise": _summarise,
    "match": _match,
    "bench": _bench,
    "grant": _grant,
    "users": _users,
    "serve": _serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except StoreLocationError as error:
        print(str(error), file=sys.stderr)
        return EXIT_STORE_UNREACHABLE
    except OperationalError as error:
        print(f"The store could not be reached: {error.orig}", file=sys.stderr)
        return EXIT_STORE_UNREACHABLE
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        print(f"The store refused the change, so nothing was written: {reason}", file=sys.stderr)
        return EXIT_STORE_UNREACHABLE
