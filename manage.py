#!/usr/bin/env python
"""Django's command-line utility. Use `./bin/lantern manage ...` to get the embedded database."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
