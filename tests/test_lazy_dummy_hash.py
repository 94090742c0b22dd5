"""A worker does not hash the dummy password (64 MiB of Argon2 memory) when it starts: only on the
first sign-in with an unknown e-mail address, and then once."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_dummy_hash_is_made_on_first_use_not_at_import(tmp_path):
    # A fresh interpreter, as a gunicorn worker is: count Argon2 hashes while the whole app is imported
    # and built, then during two sign-in checks of unknown addresses.
    script = textwrap.dedent("""
        import argon2
        calls = []
        original = argon2.PasswordHasher.hash
        def counting(self, *args, **kwargs):
            calls.append(1)
            return original(self, *args, **kwargs)
        argon2.PasswordHasher.hash = counting
        import app  # the module gunicorn loads
        from portal.staff import passwords
        print(len(calls))
        assert not passwords.password_matches(None, "guess one")
        assert not passwords.password_matches(None, "guess two")
        print(len(calls))
    """)
    # Its own database address, so building the app never touches instance/portal.sqlite3.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    at_start, after_two_checks = done.stdout.split()
    assert at_start == "0"
    assert after_two_checks == "1"
