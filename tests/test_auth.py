"""Sign-in and roles (ui/auth.py, dashboard.py): role rules, and what each simulated user sees in AppTest."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from biwaq_data import texts_de as T
from ui import auth
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
TIMEOUT = 120

AUTH = {  # never contacted in AppTest: st.login is only called when the button is clicked
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-0123456789abcdef",
    "client_id": "biwaq-test",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
BIWAQ = {
    "role_claim": "groups",
    "max_login_hours": 12,
    "claim_roles": {"BIWAQ-Presse": "press", "BIWAQ-Analyse": "analyst", "BIWAQ-Datenverwaltung": "data_manager"},
    "roles": {"@presse.duisburg.example": "press", "anna.daten@duisburg.example": "data_manager",
              "gesperrt@duisburg.example": "none"},
}


def signed_in(email: str, name: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, "name": name, "sub": email, "iat": int(time.time()) - 60,
            **claims}


USERS = {
    "press": signed_in("paula.presse@presse.duisburg.example", "Paula Presse"),
    "analyst": signed_in("ali.analyse@duisburg.example", "Ali Analyse", groups=["Mitarbeitende", "BIWAQ-Analyse"]),
    "data_manager": signed_in("anna.daten@duisburg.example", "Anna Daten"),
}
# The page files each role must get, per the issue; pages added later are checked through their PageSpec.roles.
MUST_SEE = {
    "press": {"pages/ueberblick.py", "pages/wirkung.py"},
    "analyst": {"pages/ueberblick.py", "pages/wirkung.py", "pages/aufschluesselung.py", "pages/zeitverlauf.py",
                "pages/leistungen.py"},
}
MUST_SEE["data_manager"] = MUST_SEE["analyst"]


def app(user: dict | None, secrets: bool = True, biwaq: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if secrets:
        at.secrets["auth"] = AUTH
        at.secrets["biwaq"] = BIWAQ if biwaq is None else biwaq
    if user is not None:
        at.user = user
    return at


def registered(at: AppTest) -> set[str]:
    """Page files in the navigation of the last run (callable pages, like the sign-in page, have none)."""
    return {Path(info["script_path"]).resolve().relative_to(ROOT).as_posix()
            for info in at._registered_pages.values()
            if info.get("script_path") and Path(info["script_path"]).resolve() != Path(APP).resolve()}


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


@pytest.fixture(autouse=True)
def steady_server(request, monkeypatch):
    """Run every page through dashboard.py, as a real server does once dashboard.py has called st.navigation.

    AppTest switches Streamlit's legacy "pages/ directory" mode back on before every run; in that mode a rerun
    or a switch_page() runs the page file on its own, without the entry file. A real server is in that mode
    only until the first run of dashboard.py (see the test_first_request_* tests at the end).
    """
    if getattr(request.function, "legacy_pages_mode", False):
        return
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


# --- role rules (no Streamlit) -----------------------------------------------------------------------------------

CONFIG = auth.parse_role_config(BIWAQ)


def test_config_is_normalised_and_problems_are_listed():
    assert CONFIG.problems == ()
    assert CONFIG.by_domain == {"presse.duisburg.example": "press"}
    assert CONFIG.by_email["anna.daten@duisburg.example"] == "data_manager"
    assert CONFIG.by_claim_value["biwaq-analyse"] == "analyst"
    bad = auth.parse_role_config({"roles": {"x@y.de": "admin", "kein-at": "press"},
                                  "claim_roles": {"G": "press"}, "max_login_hours": "lang"})
    assert len(bad.problems) == 4 and not bad.by_email and not bad.by_domain and bad.role_claim is None
    assert auth.parse_role_config(None) == auth.RoleConfig()


@pytest.mark.parametrize("claims, role", [
    ({"email": "Paula@Presse.Duisburg.example"}, "press"),                       # domain, any case
    ({"email": "x@sub.presse.duisburg.example"}, None),                         # no subdomains
    ({"email": "x@duisburg.example", "groups": ["BIWAQ-Analyse"]}, "analyst"),  # claim list
    ({"email": "x@duisburg.example", "groups": "biwaq-analyse"}, "analyst"),    # claim string, any case
    ({"email": "x@presse.duisburg.example", "groups": ["BIWAQ-Datenverwaltung"]}, "data_manager"),  # highest
    ({"email": "x@presse.duisburg.example", "groups": ["BIWAQ-Analyse", "BIWAQ-Presse"]}, "analyst"),
    ({"email": "anna.daten@duisburg.example", "groups": ["BIWAQ-Presse"]}, "data_manager"),  # address decides
    ({"email": "gesperrt@duisburg.example", "groups": ["BIWAQ-Analyse"]}, None),  # "none" blocks
    ({"email": "anna.daten@duisburg.example", "email_verified": False}, None),  # unverified address ignored
    ({"email": "x@presse.duisburg.example", "email_verified": False, "groups": ["BIWAQ-Presse"]}, "press"),
    ({"email": "x@duisburg.example", "groups": ["Mitarbeitende"]}, None),
    ({"sub": "123"}, None),
])
def test_resolve_role(claims, role):
    assert auth.resolve_role(claims, CONFIG) == role


def test_nested_claim_and_other_email_claim():
    config = auth.parse_role_config({"role_claim": "realm_access.roles", "email_claim": "preferred_username",
                                     "claim_roles": {"biwaq-analyse": "analyst"},
                                     "roles": {"chef@duisburg.example": "data_manager"}})
    assert auth.resolve_role({"realm_access": {"roles": ["offline", "biwaq-analyse"]}}, config) == "analyst"
    assert auth.resolve_role({"preferred_username": "Chef@duisburg.example"}, config) == "data_manager"


def test_login_expiry():
    now = 1_800_000_000
    assert not auth.login_expired({"iat": now - 11 * 3600}, 12, now)
    assert auth.login_expired({"iat": now - 13 * 3600}, 12, now)
    assert not auth.login_expired({"iat": now, "auth_time": now - 13 * 3600}, 12, now)  # SSO: re-sign-in helps
    assert not auth.login_expired({"iat": now - 99 * 3600}, 0, now)
    assert not auth.login_expired({}, 12, now)


def test_page_registry_matches_the_roles_of_the_issue():
    """Press: Überblick and Wirkung only; analyst: everything but Daten; data_manager: everything."""
    for spec in PAGES:
        assert set(spec.roles) <= set(auth.ROLES), spec
        assert "data_manager" in spec.roles, spec
        assert ("press" in spec.roles) == (spec.path in MUST_SEE["press"]), spec
        assert ("analyst" in spec.roles) == (spec.path != "pages/daten.py"), spec


# --- what each visitor sees (AppTest) -----------------------------------------------------------------------------

def assert_gate_only(at: AppTest) -> None:
    """No data, no filters, no page navigation."""
    assert not at.exception
    assert registered(at) == set()
    assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.multiselect) == 0
    assert len(at.sidebar.children) == 0
    assert [t.value for t in at.title] == [T.APP_TITLE]


def test_signed_out_visitor_sees_only_the_sign_in_page():
    at = app({"is_logged_in": False}).run()
    assert_gate_only(at)
    assert [b.label for b in at.button] == [T.AUTH_SIGN_IN]
    assert T.AUTH_SIGN_IN_TEXT in texts(at.markdown)
    # A page link does not help: no page but the sign-in page is registered.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/wirkung.py")


def test_visitor_without_login_flag_counts_as_signed_out():
    at = app({"email": "test@example.com"}).run()  # AppTest's default user, as without a login cookie
    assert_gate_only(at)
    assert [b.label for b in at.button] == [T.AUTH_SIGN_IN]


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_sees_its_pages(role):
    at = app(USERS[role]).run()
    assert not at.exception
    pages = registered(at)
    assert MUST_SEE[role] <= pages
    assert pages == {p.path for p in PAGES if role in p.roles}
    if role == "press":
        assert pages == MUST_SEE["press"]
    if role == "analyst":  # every page but data management
        assert pages == {p.path for p in PAGES} - {"pages/daten.py"}
    if role == "data_manager":
        assert pages == {p.path for p in PAGES}
    # Lands on Überblick with its figures, the filters, and who is signed in with "Abmelden".
    assert at.title[0].value == T.PAGE_TITLES["overview"]
    assert len(at.metric) > 0
    assert len(at.sidebar.multiselect) > 0
    name = USERS[role]["name"]
    assert T.AUTH_SIGNED_IN_AS.format(user=name, role=T.ROLE_LABELS[role]) in texts(at.sidebar.caption)
    assert T.AUTH_SIGN_OUT in [b.label for b in at.sidebar.button]
    assert T.AUTH_OFF_NOTE not in texts(at.sidebar.caption)


@pytest.mark.parametrize("role", ["press", "analyst"])
def test_pages_of_other_roles_cannot_be_opened(role):
    at = app(USERS[role]).run()
    for spec in PAGES:
        if role not in spec.roles:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(spec.path)


def test_press_cannot_reach_analyst_page_by_url():
    """A page the role lacks is not registered: its URL falls back to the default page (Überblick)."""
    at = app(USERS["press"]).run()
    at._page_hash = calc_hash("zeitverlauf")  # what the browser sends for /zeitverlauf
    at.run()
    assert not at.exception
    assert at.title[0].value == T.PAGE_TITLES["overview"]
    assert T.PAGE_TITLES["trends"] not in [t.value for t in at.title]


def test_allowed_page_runs_through_the_gate():
    at = app(USERS["analyst"]).run()
    at.switch_page("pages/zeitverlauf.py").run()
    assert not at.exception
    assert at.title[0].value == T.PAGE_TITLES["trends"]
    assert T.ROLE_LABELS["analyst"] in texts(at.sidebar.caption)


def test_signed_in_without_role_sees_a_clear_message_and_can_sign_out():
    at = app(signed_in("neu@duisburg.example", "Nina Neu", groups=["Mitarbeitende"])).run()
    assert_gate_only(at)
    assert T.AUTH_NO_ROLE.format(user="Nina Neu") in texts(at.warning)
    assert [b.label for b in at.button] == [T.AUTH_SIGN_OUT]
    at.button(key="auth_sign_out").click().run()
    assert at.user == {"is_logged_in": False}
    assert [b.label for b in at.button] == [T.AUTH_SIGN_IN]


def test_blocked_address_has_no_role():
    at = app(signed_in("gesperrt@duisburg.example", "G. Sperrt", groups=["BIWAQ-Analyse"])).run()
    assert_gate_only(at)
    assert len(at.warning) == 1


def test_old_sign_in_must_be_renewed():
    user = dict(USERS["analyst"], iat=int(time.time()) - 13 * 3600)
    at = app(user).run()
    assert_gate_only(at)
    assert T.AUTH_EXPIRED.format(hours="12") in texts(at.info)
    assert [b.label for b in at.button] == [T.AUTH_SIGN_IN_AGAIN, T.AUTH_SIGN_OUT]


def test_sign_out_from_the_sidebar():
    at = app(USERS["data_manager"]).run()
    at.sidebar.button(key="auth_sign_out").click().run()
    assert_gate_only(at)
    assert [b.label for b in at.button] == [T.AUTH_SIGN_IN]


def test_without_configuration_everything_is_open_with_a_note():
    at = app(None, secrets=False).run()
    assert not at.exception
    assert registered(at) == {p.path for p in PAGES}
    assert T.AUTH_OFF_NOTE in texts(at.sidebar.caption)
    assert T.AUTH_SIGN_OUT not in [b.label for b in at.button]
    assert len(at.metric) > 0


def test_roles_without_auth_section_fail_closed():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["biwaq"] = BIWAQ
    at.run()
    assert_gate_only(at)
    assert T.AUTH_CONFIG_ROLES_WITHOUT_AUTH in texts(at.error)
    assert len(at.button) == 0


def test_required_sign_in_without_configuration_fails_closed(monkeypatch):
    monkeypatch.setenv(auth.REQUIRE_SIGN_IN_ENV, "1")
    at = app(None, secrets=False).run()
    assert_gate_only(at)
    assert T.AUTH_CONFIG_REQUIRED in texts(at.error)


def test_unreadable_secrets_file_fails_closed(tmp_path):
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth\nredirect_uri = "http://localhost:8501/oauth2callback"\n', encoding="utf-8")
    saved = config.get_option("secrets.files")
    secrets_singleton._reset()
    config.set_option("secrets.files", [str(broken)])
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    finally:
        config.set_option("secrets.files", saved)
        secrets_singleton._reset()
    assert_gate_only(at)
    assert T.AUTH_CONFIG_UNREADABLE in texts(at.error)


def test_signed_in_but_no_role_rules_means_no_access():
    at = app(USERS["analyst"], biwaq={}).run()
    assert_gate_only(at)
    assert len(at.warning) == 1


# --- helpers for pages and the sidebar ------------------------------------------------------------------------------

def _probe():
    import streamlit as st

    from ui import auth
    from ui.navigation import PAGES

    st.write(f"role={auth.current_role()} switch={auth.may_switch_off_publication_mode()}")
    auth.require_page(next(p for p in PAGES if p.path == "pages/zeitverlauf.py"))
    st.write("page body")


def probe(user: dict | None, secrets: bool = True) -> AppTest:
    at = AppTest.from_function(_probe, default_timeout=TIMEOUT)
    if secrets:
        at.secrets["auth"] = AUTH
        at.secrets["biwaq"] = BIWAQ
    if user is not None:
        at.user = user
    return at.run()


@pytest.mark.parametrize("role, switch, body", [
    ("press", False, False), ("analyst", True, True), ("data_manager", True, True), (None, True, True),
])
def test_current_role_publication_switch_and_page_guard(role, switch, body):
    at = probe(USERS[role] if role else None, secrets=role is not None)
    assert not at.exception
    out = texts(at.markdown)
    assert f"role={role} switch={switch}" in out
    assert ("page body" in out) == body
    if not body:
        assert texts(at.error) == T.AUTH_PAGE_REFUSED.format(role=T.ROLE_LABELS[role])


def test_current_role_stops_without_access():
    at = probe({"is_logged_in": False})
    assert not at.exception
    assert "role=" not in texts(at.markdown)  # stopped before anything of the page
    at = probe(signed_in("neu@duisburg.example", "Nina Neu"))
    assert "role=" not in texts(at.markdown)


def test_require_page_accepts_a_file_path():
    assert auth._spec_for(str(ROOT / "pages" / "wirkung.py")).path == "pages/wirkung.py"
    assert auth._spec_for("pages/ueberblick.py").default
    assert auth._spec_for("pages/gibt_es_nicht.py") is None


# --- Streamlit's legacy "pages/ directory" mode ---------------------------------------------------------------
# Until dashboard.py has run once in a server process, a request for /<name> runs pages/<name>.py on its own,
# without dashboard.py and so without its gate. Every page therefore starts with `require_page(__file__)`.

def first_request(user: dict, spec) -> AppTest:
    """A freshly started server whose first request is the URL of this page."""
    at = app(user)
    at._page_hash = calc_hash(Path(spec.path).stem)  # what the browser sends for /<name>
    return at.run()


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.path)
def test_first_request_to_a_page_url_still_needs_sign_in(spec):
    at = first_request({"is_logged_in": False}, spec)
    assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.multiselect) == 0, (
        f"{spec.path} shows data before sign-in when it is the first URL after a server start: "
        "add `require_page(__file__)` (from ui.auth) at its top, before anything is drawn")
    assert [b.label for b in at.button] == [T.AUTH_SIGN_IN]


@pytest.mark.parametrize("spec", [p for p in PAGES if "press" not in p.roles], ids=lambda s: s.path)
def test_first_request_to_another_roles_page_is_refused(spec):
    at = first_request(USERS["press"], spec)
    assert texts(at.error) == T.AUTH_PAGE_REFUSED.format(role=T.ROLE_LABELS["press"]), (
        f"{spec.path}: add `require_page(__file__)` at its top")
    assert len(at.metric) == 0 and len(at.dataframe) == 0


for _test in (test_first_request_to_a_page_url_still_needs_sign_in, test_first_request_to_another_roles_page_is_refused):
    _test.legacy_pages_mode = True  # no steady_server fixture
