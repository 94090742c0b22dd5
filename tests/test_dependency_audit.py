"""The dependency audit of `make check`: a known vulnerability fails it; an unreachable vulnerability
source is said plainly and skipped, or fails when the audit is required."""
from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("audit_dependencies",
                                              Path(__file__).parent.parent / "tools" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"name": "flask", "version": "3.1.2", "vulns": []}
VULNERABLE = {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "TEST-ADVISORY-1", "fix_versions": ["3.1.3"]}]}
UNREACHABLE = {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.2)"}


def test_a_known_vulnerability_fails_the_check():
    code, lines = audit.verdict({"dependencies": [CLEAN, VULNERABLE]}, required=False)
    assert code == 1
    assert any("jinja2 3.1.2: TEST-ADVISORY-1 (fixed in 3.1.3)" in line for line in lines)


def test_no_known_vulnerability_passes():
    code, lines = audit.verdict({"dependencies": [CLEAN]}, required=True)
    assert code == 0 and "no known vulnerabilities in 1 packages" in lines[0]


def test_an_unreachable_source_is_skipped_with_a_clear_message_unless_required():
    code, lines = audit.verdict({"dependencies": [UNREACHABLE, UNREACHABLE]}, required=False)
    assert code == 0 and lines[0].startswith("Dependency audit SKIPPED") and "AUDIT_REQUIRED=1" in lines[0]
    assert audit.verdict({"dependencies": [UNREACHABLE]}, required=True)[0] == 1
