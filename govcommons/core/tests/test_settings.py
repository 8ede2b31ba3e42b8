"""Settings fail loudly where a real secret matters, and stay out of a developer's way elsewhere."""

import os
import subprocess
import sys

from conftest import ROOT


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "govcommons.settings",
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_web_process_refuses_to_start_without_a_secret_key():
    result = _run("-c", "import govcommons.wsgi")
    assert result.returncode == 1
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_the_worker_refuses_to_start_without_a_secret_key():
    result = _run("manage.py", "run_worker", "--batch")
    assert result.returncode == 1
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_development_commands_run_without_a_secret_key():
    result = _run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_deploy_check_flags_the_placeholder_key():
    result = _run("manage.py", "check", "--deploy", ALLOWED_HOSTS="govcommons.example")
    assert "security.W009" in result.stdout + result.stderr


def test_postgresql_connections_ask_for_the_configured_work_mem_and_refuse_a_wrong_one():
    read = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    url = "postgres://postgres@127.0.0.1:5432/govcommons"
    default = _run("-c", f"import django; django.setup(); {read}", DATABASE_URL=url)
    assert default.returncode == 0, default.stderr
    assert "-c work_mem=32MB" in default.stdout
    left = _run("-c", f"import django; django.setup(); {read}", DATABASE_URL=url,
                DATABASE_WORK_MEM="")  # fmt: skip
    assert "work_mem" not in left.stdout
    wrong = _run("manage.py", "check", DATABASE_URL=url, DATABASE_WORK_MEM="lots")
    assert wrong.returncode == 1
    assert "DATABASE_WORK_MEM='lots': a size such as 32MB, or empty." in wrong.stderr
