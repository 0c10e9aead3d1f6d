from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lantern.demo.credentials import demo_password, require_demo_mode
from lantern.demo.generator import describe


class Command(BaseCommand):
    help = "Print the demo sign-ins: one user per role, the demo password, how to get a code."

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo_mode()
        rows = describe()
        width = max((len(role) for role, _, _ in rows), default=10)
        self.stdout.write("\nDemo sign-ins (made-up people; every demo user has the same password)")
        self.stdout.write(f"  password: {demo_password()}")
        for role, username, agency in rows:
            self.stdout.write(f"  {role.ljust(width)}  {username}  ({agency})")
        self.stdout.write("  security code: ./bin/lantern manage demo_totp USERNAME  (demo only)\n")
