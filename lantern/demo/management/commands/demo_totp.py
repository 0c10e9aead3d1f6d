from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.demo.credentials import require_demo_mode


class Command(BaseCommand):
    help = "Demo only: print the current authenticator code of a demo user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--next",
            dest="following",
            action="store_true",
            help="Print the next period's code (accepted too), for a code just used.",
        )

    def handle(self, *args: Any, username: str, following: bool, **options: Any) -> None:
        require_demo_mode()
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"No demo user {username!r} with an authenticator.")
        now = int(time.time())
        drift = 1 if following else 0
        code = totp(
            device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift
        )
        remaining = device.step - (now - device.t0) % device.step
        when = "next period" if following else f"valid for {remaining} more seconds"
        self.stdout.write(f"{code:0{device.digits}d}  ({when})")
