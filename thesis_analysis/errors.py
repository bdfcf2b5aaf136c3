"""Errors the toolkit reports to users (no traceback reaches them)."""


class InputError(Exception):
    """Bad input from the user: the message names the file, line or code and what to do."""
