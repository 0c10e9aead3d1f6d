from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lantern.access.audit import audit_record
from lantern.demo.credentials import demo_password, require_demo_mode
from lantern.demo.generator import DEFAULT_SEED, SIZES, generate, is_generated


class Command(BaseCommand):
    help = "Generate the synthetic demo partnership (Fenbridge) from a fixed seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database has data."
        )

    def handle(self, *args: Any, size: str, seed: int, if_empty: bool, **options: Any) -> None:
        require_demo_mode()
        if is_generated():
            if if_empty:
                self.stdout.write("The demo partnership is already loaded.")
                return
            self.stderr.write("The database already has data; the demo is only loaded once.")
            raise SystemExit(1)
        ctx = generate(size=size, seed=seed, password=demo_password())
        audit_record(
            action="demo.generated",
            detail={
                "size": size,
                "seed": seed,
                "agencies": len(ctx.agencies),
                "users": len(ctx.users),
            },
        )
        self.stdout.write(
            f"Generated Fenbridge ({size}, seed {seed}): {len(ctx.agencies)} agencies, "
            f"{len(ctx.teams)} teams, {len(ctx.users)} users, {ctx.people} people."
        )
