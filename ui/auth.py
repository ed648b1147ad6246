"""Sign-in (`st.login`, OpenID Connect) and roles: which pages a signed-in person may open.

Everything is configured in `.streamlit/secrets.toml` (never committed; see docs/access.md and
`.streamlit/secrets.toml.example`):

- `[auth]`: Streamlit's OpenID Connect settings. Its presence switches sign-in on.
- `[biwaq]`: `role_claim` (an ID-token claim such as "groups" or "roles"), `email_claim` (default "email"),
  `max_login_hours` (default 12, 0 = no limit).
- `[biwaq.roles]`: e-mail address or "@domain" -> role ("none" blocks an address).
- `[biwaq.claim_roles]`: value of the role claim (a group name, app role, ...) -> role.

Servers set BIWAQ_REQUIRE_SIGN_IN=1, so a missing or misplaced secrets.toml shows nothing instead of everything.

Roles, least to most: press, analyst, data_manager. An exact e-mail entry decides on its own; otherwise the
person gets the highest role that a claim value or their e-mail domain maps to. No match: no role, no data.

The first half of this module is plain Python (tested without Streamlit); the second half reads `st.user`
and `st.secrets` and draws the sign-in page and the account box.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from biwaq_data import texts_de as T
from ui.navigation import PAGES, PageSpec

_LOGGER = logging.getLogger(__name__)

ROLES = ("press", "analyst", "data_manager")  # least to most privileged
NO_ROLE = "none"  # value in [biwaq.roles] that blocks an address even if a claim or domain would grant a role
ROLES_SWITCHING_OFF_PUBLICATION_MODE = ("analyst", "data_manager")
DEFAULT_MAX_LOGIN_HOURS = 12.0
REQUIRE_SIGN_IN_ENV = "BIWAQ_REQUIRE_SIGN_IN"  # set on servers: a missing [auth] then shows nothing instead of all
PROJECT_DIR = Path(__file__).resolve().parent.parent
_LOGGED_PROBLEMS: set[str] = set()


# --- configuration and role resolution (no Streamlit) ----------------------------------------------------------

@dataclass(frozen=True)
class RoleConfig:
    """The [biwaq] section of secrets.toml, normalised (lower-case addresses, domains and claim values)."""

    by_email: dict[str, str] = field(default_factory=dict)
    by_domain: dict[str, str] = field(default_factory=dict)
    role_claim: str | None = None
    by_claim_value: dict[str, str] = field(default_factory=dict)
    email_claim: str = "email"
    max_login_hours: float = DEFAULT_MAX_LOGIN_HOURS
    problems: tuple[str, ...] = ()

    @property
    def has_rules(self) -> bool:
        return bool(self.by_email or self.by_domain or self.by_claim_value)


def parse_role_config(section: Mapping[str, Any] | None) -> RoleConfig:
    """Read the [biwaq] section. Unknown roles and malformed keys are skipped and listed in `problems`."""
    section = section or {}
    problems: list[str] = []
    by_email: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for key, role in dict(section.get("roles") or {}).items():
        who = str(key).strip().lower()
        role = str(role).strip()
        if role not in ROLES and role != NO_ROLE:
            problems.append(f"[biwaq.roles] {key!r}: unbekannte Rolle {role!r}")
        elif who.startswith("@") and len(who) > 1 and "@" not in who[1:]:
            by_domain[who[1:]] = role
        elif who.count("@") == 1 and not who.startswith("@") and not who.endswith("@"):
            by_email[who] = role
        else:
            problems.append(f"[biwaq.roles] {key!r}: weder E-Mail-Adresse noch @Domain")
    by_claim_value: dict[str, str] = {}
    for value, role in dict(section.get("claim_roles") or {}).items():
        role = str(role).strip()
        if role not in ROLES:
            problems.append(f"[biwaq.claim_roles] {value!r}: unbekannte Rolle {role!r}")
        else:
            by_claim_value[str(value).strip().casefold()] = role
    role_claim = str(section.get("role_claim") or "").strip() or None
    if by_claim_value and not role_claim:
        problems.append("[biwaq.claim_roles] ist gesetzt, aber role_claim fehlt")
    try:
        max_hours = float(section.get("max_login_hours", DEFAULT_MAX_LOGIN_HOURS))
    except (TypeError, ValueError):
        problems.append("[biwaq] max_login_hours ist keine Zahl")
        max_hours = DEFAULT_MAX_LOGIN_HOURS
    for problem in problems:
        if problem not in _LOGGED_PROBLEMS:  # the config is read on every run: warn once per process
            _LOGGED_PROBLEMS.add(problem)
            _LOGGER.warning("Rollen-Konfiguration: %s", problem)
    return RoleConfig(by_email=by_email, by_domain=by_domain, role_claim=role_claim, by_claim_value=by_claim_value,
                      email_claim=str(section.get("email_claim") or "email"), max_login_hours=max_hours,
                      problems=tuple(problems))


def claim_values(claims: Mapping[str, Any], name: str) -> list[str]:
    """Values of a claim as strings: a string, a list of strings, or a dotted path ("realm_access.roles")."""
    value: Any = claims.get(name)
    if value is None and "." in name:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, (str, int))]
    return []


def _highest(roles: list[str]) -> str | None:
    return max(roles, key=ROLES.index) if roles else None


def _email_trusted(claims: Mapping[str, Any]) -> bool:
    """False only when the provider says the address is not verified."""
    verified = claims.get("email_verified", True)
    return verified not in (False, "false", "False", 0)


def resolve_role(claims: Mapping[str, Any], config: RoleConfig) -> str | None:
    """The role of a signed-in person from their ID-token claims, or None (no access)."""
    email = ""
    values = claim_values(claims, config.email_claim)
    if values and _email_trusted(claims):
        email = values[0].strip().lower()
    if email in config.by_email:
        role = config.by_email[email]
        return None if role == NO_ROLE else role
    found: list[str] = []
    if config.role_claim:
        found += [config.by_claim_value[v.strip().casefold()] for v in claim_values(claims, config.role_claim)
                  if v.strip().casefold() in config.by_claim_value]
    if email.count("@") == 1:
        domain_role = config.by_domain.get(email.rsplit("@", 1)[1])
        if domain_role and domain_role != NO_ROLE:
            found.append(domain_role)
    return _highest(found)


def login_expired(claims: Mapping[str, Any], max_hours: float, now: float | None = None) -> bool:
    """True if the ID token (its `iat`) is older than max_hours (0 = never).

    Not `auth_time`: with single sign-on that stays at the provider's original sign-in, so signing in again
    would not help.
    """
    if max_hours <= 0:
        return False
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, (int, float)):
        return False
    return ((time.time() if now is None else now) - issued) > max_hours * 3600


def display_name(claims: Mapping[str, Any]) -> str:
    for key in ("name", "preferred_username", "email", "sub"):
        if isinstance(claims.get(key), str) and claims[key].strip():
            return claims[key].strip()
    return "?"


# --- the current visitor (Streamlit) -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """Who is looking: `status` is one of
    "off" (sign-in not configured: local use, every page), "signed_in" (has `role`), "signed_out",
    "no_role", "expired" (signed in too long ago), "broken" (configuration unreadable: nothing is shown)."""

    status: str
    role: str | None = None
    user: str = ""
    reason: str = ""

    @property
    def granted(self) -> bool:
        return self.status in ("off", "signed_in")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _secrets() -> dict[str, Any] | None:
    """The parsed secrets (st.secrets, so AppTest's `at.secrets` works), None if there is no secrets file."""
    secrets = st.secrets
    if not secrets.load_if_toml_exists():
        return None
    return _plain(secrets)


def _secrets_file_exists() -> bool:
    from streamlit import config

    return any(Path(p).exists() for p in config.get_option("secrets.files"))


def current_access() -> Access:
    """Sign-in state and role of the current session (fails closed on a broken configuration)."""
    secrets = _secrets()
    if secrets is None and _secrets_file_exists():
        return Access("broken", reason=T.AUTH_CONFIG_UNREADABLE)
    secrets = secrets or {}
    config = parse_role_config(secrets.get("biwaq"))
    if "auth" not in secrets:
        if config.has_rules:
            return Access("broken", reason=T.AUTH_CONFIG_ROLES_WITHOUT_AUTH)
        if os.environ.get(REQUIRE_SIGN_IN_ENV, "").strip().lower() in ("1", "true", "yes", "ja"):
            return Access("broken", reason=T.AUTH_CONFIG_REQUIRED)
        return Access("off")
    claims = st.user.to_dict()
    if not claims.get("is_logged_in", False):
        return Access("signed_out")
    user = display_name(claims)
    if login_expired(claims, config.max_login_hours):
        return Access("expired", user=user)
    role = resolve_role(claims, config)
    if role is None:
        return Access("no_role", user=user)
    return Access("signed_in", role=role, user=user)


def current_role() -> str | None:
    """The signed-in person's role; None when sign-in is not configured (local use: every page).

    When sign-in is configured and nobody with a role is signed in, the run stops here, so a caller can never
    mistake "no role" for "sign-in off".
    """
    access = current_access()
    if not access.granted:
        st.stop()
    return access.role


def may_switch_off_publication_mode() -> bool:
    """Analysts and data managers (and everybody when sign-in is off) may show unpublished figures on screen."""
    role = current_role()
    return role is None or role in ROLES_SWITCHING_OFF_PUBLICATION_MODE


def _spec_for(page: PageSpec | str | Path) -> PageSpec | None:
    if isinstance(page, PageSpec):
        return page
    target = Path(page)
    target = (target if target.is_absolute() else PROJECT_DIR / target).resolve()
    return next((p for p in PAGES if (PROJECT_DIR / p.path).resolve() == target), None)


def require_page(page: PageSpec | str | Path) -> None:
    """Stop with a German message unless the current person may open this page.

    Takes a PageSpec or a page file (a page may call `require_page(__file__)` first thing). Pages not in the
    registry are refused whenever sign-in is on.
    """
    access = current_access()
    if not access.granted:
        render_gate(access)
        st.stop()
    spec = _spec_for(page)
    if access.role is None:
        return
    if spec is None or access.role not in spec.roles:
        st.error(T.AUTH_PAGE_REFUSED.format(role=T.ROLE_LABELS[access.role]), icon=":material/block:")
        st.stop()


# --- drawing -------------------------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_gate(access: Access) -> None:
    """The only thing a visitor without access sees: sign-in, "no role", "expired" or "misconfigured"."""
    st.title(T.APP_TITLE)
    if access.status == "broken":
        st.error(T.AUTH_CONFIG_BROKEN.format(reason=access.reason), icon=":material/lock:")
    elif access.status == "no_role":
        st.subheader(T.AUTH_NO_ROLE_TITLE)
        st.warning(T.AUTH_NO_ROLE.format(user=_escape(access.user)), icon=":material/person_off:")
        st.button(T.AUTH_SIGN_OUT, on_click=st.logout, icon=":material/logout:", key="auth_sign_out")
    elif access.status == "expired":
        st.subheader(T.AUTH_EXPIRED_TITLE)
        hours = parse_role_config((_secrets() or {}).get("biwaq")).max_login_hours
        st.info(T.AUTH_EXPIRED.format(hours=f"{hours:g}"), icon=":material/schedule:")
        st.button(T.AUTH_SIGN_IN_AGAIN, on_click=st.login, type="primary", icon=":material/login:",
                  key="auth_sign_in")
        st.button(T.AUTH_SIGN_OUT, on_click=st.logout, icon=":material/logout:", key="auth_sign_out")
    else:
        st.write(T.AUTH_SIGN_IN_TEXT)
        st.button(T.AUTH_SIGN_IN, on_click=st.login, type="primary", icon=":material/login:", key="auth_sign_in")
        st.caption(T.AUTH_SIGN_IN_HINT)


def gate(access: Access) -> None:
    """Show the gate as the app's only page (hidden navigation, so any page URL lands here) and stop."""
    st.navigation([st.Page(lambda: render_gate(access), title=T.AUTH_SIGN_IN, icon=":material/lock:",
                           url_path="anmelden", default=True)], position="hidden").run()
    st.stop()


def render_account(access: Access, sample_data: bool = True) -> None:
    """Sidebar box: who is signed in, their role and "Abmelden"; or the note that sign-in is off."""
    with st.sidebar:
        if access.status == "off":
            if sample_data:
                st.caption(f":material/lock_open: {T.AUTH_OFF_NOTE}")
            else:
                st.warning(T.AUTH_OFF_REAL_DATA, icon=":material/lock_open:")
        elif access.role is not None:
            st.caption(T.AUTH_SIGNED_IN_AS.format(user=_escape(access.user), role=T.ROLE_LABELS[access.role]))
            st.button(T.AUTH_SIGN_OUT, on_click=st.logout, icon=":material/logout:", key="auth_sign_out",
                      width="stretch")
