"""`make check`'s dependency audit: pip-audit over the installed packages, read so that
- a package with a known vulnerability fails the check (exit 1), naming it and the advisory;
- a vulnerability source that cannot be reached (no network, or a registry mirror without PyPI's
  JSON API, where every package comes back "not found") is said plainly and the step is skipped
  (exit 0), unless AUDIT_REQUIRED=1 (set it in CI that has network), which makes it fail instead.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def verdict(report: dict, required: bool) -> tuple[int, list[str]]:
    """(exit code, lines to print) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if vulnerable:
        lines = [f"Known vulnerabilities in {len(vulnerable)} installed package(s):"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                lines.append(f"  {dependency['name']} {dependency.get('version', '')}: {vuln['id']} (fixed in {fixed})")
        return 1, lines
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no packages listed"
        message = (f"Dependency audit SKIPPED: pip-audit could not reach its vulnerability source ({len(dependencies)} "
                   f"packages, none could be looked up; first reason: {reason}). Run `make check` where PyPI is "
                   "reachable, or set AUDIT_REQUIRED=1 to make this fail.")
        return (1 if required else 0), [message]
    skipped = len(dependencies) - len(audited)
    return 0, [f"Dependency audit: no known vulnerabilities in {len(audited)} packages"
               + (f" ({skipped} could not be looked up)." if skipped else ".")]


def main() -> int:
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    if not PIP_AUDIT.exists():
        print(f"Dependency audit FAILED: {PIP_AUDIT} is not installed (it comes with the project's [check] extra).")
        return 1
    try:
        run = subprocess.run([str(PIP_AUDIT), "--progress-spinner", "off", "--skip-editable", "--format", "json"],
                             capture_output=True, text=True, check=False, timeout=600)  # its exit code is read below
    except subprocess.TimeoutExpired:
        print("Dependency audit SKIPPED: pip-audit's lookup did not finish in 10 minutes.")
        return 1 if required else 0
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        # pip-audit stops with a traceback when it cannot connect at all.
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"Dependency audit SKIPPED: pip-audit could not run its lookup ({last[:200]}).")
        return 1 if required else 0
    code, lines = verdict(report, required)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
