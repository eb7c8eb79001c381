"""Every error ordermoat raises on purpose. Edges map ``UserError`` to exit status 2."""

from __future__ import annotations

__all__ = ["OrdermoatError", "UserError", "BadInputError", "WorkspaceError", "ConfigError"]


class OrdermoatError(Exception):
    """Base class of ordermoat's own errors."""


class UserError(OrdermoatError):
    """Bad input or bad usage: the message is one line a user can act on."""


class BadInputError(UserError):
    """An input file cannot be read or (with ``--strict``) holds bad rows."""


class WorkspaceError(UserError):
    """The workspace is missing, unreadable or misconfigured."""


class ConfigError(UserError):
    """A setting is invalid (a bad database URL, an unknown engine, a placeholder secret)."""
