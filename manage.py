#!/usr/bin/env python
"""Django's command-line utility for GovCommons."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcommons.settings")
    if sys.argv[1:2] in (["run_worker"], ["db_worker"]):
        # The worker renders and signs links in emails: it needs the real SECRET_KEY.
        os.environ["GOVCOMMONS_SERVING"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
