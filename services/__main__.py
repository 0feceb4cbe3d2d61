"""`python -m services` (the `nirm` command): the suite's command line.

up          every part on SQLite, each in its own process, until Ctrl-C
migrate     bring the embedded suite's databases to the latest schema; with PART, that
            part's database named by its environment (a migration job)
serve PART  one part in this process, configured by its environment (containers)
seed-demo   demo organisations and users, made through the running gateway
"""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from services.datadir import ADMIN_PASSWORD_VARIABLE, DEFAULT_DATA_DIR, DataDir
from services.demo import DemoFailed, seed
from services.environment import connect_host
from services.registry import BASE_PORT, GATEWAY, PARTS, part, service_urls
from services.runner import migrate_suite, up
from services.serving import migrate_part, serve

DEFAULT_HOST = "127.0.0.1"
PART_VARIABLE = "NIRM_PART"


def _up(args: argparse.Namespace) -> int:
    parts = [p for p in PARTS if p.name in args.only] if args.only else PARTS
    return up(DataDir(args.data_dir), host=args.host, base_port=args.base_port, parts=parts)


def _migrate(args: argparse.Namespace) -> int:
    if args.part is not None:
        migrate_part(part(args.part))
        print(f"The {args.part} database is at the latest schema.")
        return 0
    data_dir = DataDir(args.data_dir)
    migrate_suite(data_dir)
    print(f"Every part's database in {data_dir.path} is at the latest schema.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    served = part(args.part)
    port = args.port if args.port is not None else served.port()
    return serve(served, host=args.host, port=port, migrate_first=not args.no_migrate)


def _seed_demo(args: argparse.Namespace) -> int:
    data_dir = DataDir(args.data_dir)
    admin = data_dir.known_admin_password()
    if admin is None:
        print(
            f"No admin password: set {ADMIN_PASSWORD_VARIABLE} or point --data-dir at the "
            "folder `up` uses.",
            file=sys.stderr,
        )
        return 1
    gateway_url = service_urls(connect_host(args.host), args.base_port)[GATEWAY.name]
    try:
        report = asyncio.run(seed(gateway_url, admin.value))
    except DemoFailed as failure:
        print(f"Seeding stopped: {failure}", file=sys.stderr)
        return 1
    print("\n".join(report))
    print(f"Log in as any of them at {gateway_url}/api/v1/auth/token (grant_type=password).")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nirm", description="Run the NIRM suite (see README.md).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def data_dir_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help=f"the embedded suite's folder (default {DEFAULT_DATA_DIR})",
        )

    def address_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
        command.add_argument(
            "--base-port",
            type=int,
            default=BASE_PORT,
            help=f"the gateway's port; the services listen on the next ones (default {BASE_PORT})",
        )

    names = [p.name for p in PARTS]
    run_up = commands.add_parser("up", help="run every part on SQLite until Ctrl-C")
    data_dir_option(run_up)
    address_options(run_up)
    run_up.add_argument(
        "--only", nargs="+", choices=names, metavar="PART", help="run only these parts"
    )
    run_up.set_defaults(run=_up)

    run_migrate = commands.add_parser(
        "migrate", help="migrate the embedded suite's databases, or one part's (a migration job)"
    )
    run_migrate.add_argument(
        "part",
        nargs="?",
        choices=names,
        help="only this part's database, named by its environment (--data-dir is then unused)",
    )
    data_dir_option(run_migrate)
    run_migrate.set_defaults(run=_migrate)

    run_serve = commands.add_parser(
        "serve", help="serve one part, configured by its environment (containers)"
    )
    run_serve.add_argument(
        "part",
        nargs="?",
        choices=names,
        default=os.environ.get(PART_VARIABLE),
        help=f"the part to serve (default ${PART_VARIABLE})",
    )
    run_serve.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    run_serve.add_argument("--port", type=int, help="default: the part's port in the registry")
    run_serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="wait until another process has migrated the database, then serve "
        "(when migrations run as a job)",
    )
    run_serve.set_defaults(run=_serve)

    run_seed = commands.add_parser(
        "seed-demo", help="make demo organisations and users through the running gateway"
    )
    data_dir_option(run_seed)
    address_options(run_seed)
    run_seed.set_defaults(run=_seed_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "serve" and args.part is None:
        parser.error(f"serve: name the part, or set {PART_VARIABLE}")
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
