"""Encryption at rest for personal texts (concern notices and their drafts).

Keys come from PORTAL_DATA_KEYS (comma-separated Fernet keys, newest first) or, in development,
from instance/data_keys. Old keys stay readable after a new one is put first, and
`flask --app app keys rotate` re-encrypts everything with the newest.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app


def load_keys(instance_path: Path) -> list[str]:
    if keys := os.environ.get("PORTAL_DATA_KEYS"):
        return [k.strip() for k in keys.split(",") if k.strip()]
    key_file = instance_path / "data_keys"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode() + "\n")
        key_file.chmod(0o600)
    return [k.strip() for k in key_file.read_text().split() if k.strip()]


def init_app(app: Flask) -> None:
    keys = app.config.get("DATA_KEYS") or load_keys(Path(app.instance_path))
    app.extensions["fernet"] = MultiFernet([Fernet(k) for k in keys])


def encrypt(data) -> str:
    return current_app.extensions["fernet"].encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def decrypt(token: str):
    try:
        return json.loads(current_app.extensions["fernet"].decrypt(token.encode()))
    except InvalidToken as error:  # a key was removed before its data was rotated
        raise RuntimeError("Encrypted data cannot be read with the configured keys.") from error


def rotate(token: str) -> str:
    return current_app.extensions["fernet"].rotate(token.encode()).decode()
