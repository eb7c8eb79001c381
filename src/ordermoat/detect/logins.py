"""Login detectors: credential stuffing (撞库), password spraying, account takeover, the
buyer's unusual-login notice, and the supplier's lockout rule.

They read the lake's ``logins`` kind (``event_id, ts, account_id, account_kind, ip,
success, device_id, user_agent``) and optionally ``ctx.params["known_accounts"]`` (an Ibis
table with ``account_id``) and ``ctx.params["access"]`` (the access table, for what a
taken-over staff account reads next). All aggregation happens in the engine; every
detector returns an Ibis expression with exactly ``ALERT_COLUMNS``. Reasons carry ids,
counts and ratios only (never user agents or passwords).

:data:`LOGIN_DETECTORS` lists them as ``name -> "module:class"``, the form
``DEFAULT_DETECTORS`` takes; importing this module registers nothing.
"""

from __future__ import annotations

from ordermoat.detect.logins_accounts import AccountTakeover, UnusualLoginNotice
from ordermoat.detect.logins_lockout import Lockout
from ordermoat.detect.logins_sources import CredentialStuffing, PasswordSpraying

__all__ = [
    "LOGIN_DETECTORS",
    "AccountTakeover",
    "CredentialStuffing",
    "Lockout",
    "PasswordSpraying",
    "UnusualLoginNotice",
]

#: The login detectors by registry name, as ``DEFAULT_DETECTORS`` entries.
LOGIN_DETECTORS: dict[str, str] = {
    cls.name: f"{cls.__module__}:{cls.__name__}"
    for cls in (CredentialStuffing, PasswordSpraying, AccountTakeover, UnusualLoginNotice, Lockout)
}
