"""Failed log-ins slow down whoever fails, and never lock an account's owner out.

Three counts, kept in the cache (Redis in production, shared by every worker):

- per client address: the ``ip`` rate of ``ACCOUNT_RATE_LIMITS["login_failed"]``;
- per account *from one address*: its ``key`` rate, whose key (``attempts_key``) names the
  account and the address, so that failures typed at an attacker's address do not refuse the
  owner's right password typed elsewhere;
- per account from anywhere (``SSP_LOGIN_ACCOUNT_FAILURES`` within
  ``SSP_LOGIN_ACCOUNT_WINDOW_MINUTES``): it never refuses anything. Past it, the right password
  alone no longer logs in: a second factor follows (the authenticator app or security key when
  the person has one, which allauth asks for anyway, else a code sent to the account's e-mail),
  so that someone who guessed the password from many addresses still cannot get in.

A refused attempt waits at most the window of the rate that refused it (a minute, five minutes by
default), and the message says how long: ``wait_seconds`` reads when the oldest attempt that still
counts leaves the window. The addresses are the clients' own behind a reverse proxy
(``ssp_portal.clients.client_ip``).
"""

from __future__ import annotations

import hashlib
import math
import time

from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

_ACTION = "login_failed"
_APP = "allauth.account"
_BUCKET_SECONDS = 60


def attempts_key(*, domain: str, login: str, address: str) -> str:
    """The key of one account's failures from one client address."""
    return f"{domain}:{login.strip().lower()}:{address}"


def wait_seconds(request: HttpRequest, *, key: str) -> int:
    """How long until ``login_failed`` lets this address try ``key`` again (0: it may now)."""
    now = time.time()
    wait = 0.0
    for rate in get_rates(app=_APP, action=_ACTION):
        cache_key = get_cache_key(request, app=_APP, action=_ACTION, rate=rate, key=key)
        recent = sorted((at for at in cache.get(cache_key, []) if at > now - rate.duration), reverse=True)
        if len(recent) >= rate.amount:
            # The attempt that must leave the window before one more fits in it.
            wait = max(wait, recent[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def wait_message(seconds: int) -> str:
    """What a refused log-in says: why, what to do, and how long to wait."""
    if seconds < 60:
        count = max(seconds, 1)
        return ngettext(
            "Too many failed login attempts from your address. Try again in %(count)d second, "
            "or reset your password if you have forgotten it.",
            "Too many failed login attempts from your address. Try again in %(count)d seconds, "
            "or reset your password if you have forgotten it.",
            count,
        ) % {"count": count}
    count = math.ceil(seconds / 60)
    return ngettext(
        "Too many failed login attempts from your address. Try again in %(count)d minute, "
        "or reset your password if you have forgotten it.",
        "Too many failed login attempts from your address. Try again in %(count)d minutes, "
        "or reset your password if you have forgotten it.",
        count,
    ) % {"count": count}


def _account(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()


def _bucket_keys(login: str, now: float) -> list[str]:
    """One counter a minute over the window, the current minute first."""
    current = int(now // _BUCKET_SECONDS)
    minutes = settings.SSP_LOGIN_ACCOUNT_WINDOW_MINUTES * 60 // _BUCKET_SECONDS
    account = _account(login)
    return [f"login-failures:{account}:{bucket}" for bucket in range(current, current - minutes, -1)]


def account_failure_record(*, login: str) -> None:
    """Count one failed password for ``login`` (an address, whether an account has it or not)."""
    if not login:
        return
    key = _bucket_keys(login, time.time())[0]
    timeout = settings.SSP_LOGIN_ACCOUNT_WINDOW_MINUTES * 60 + _BUCKET_SECONDS
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # the counter expired between the two calls
        cache.set(key, 1, timeout=timeout)


def account_failures(*, login: str) -> int:
    """Failed passwords for ``login`` within the window, from any address."""
    if not login:
        return 0
    return sum(cache.get_many(_bucket_keys(login, time.time())).values())


def account_under_attack(*, login: str) -> bool:
    """So many failures for the account that the right password must be followed by a second
    factor."""
    return account_failures(login=login) >= settings.SSP_LOGIN_ACCOUNT_FAILURES
