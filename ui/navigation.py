"""The page registry: which page files exist, their German titles, icons and the roles that may open them.

Roles (see README, "Sign-in and roles"): press, analyst, data_manager. Without sign-in configured every page
is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from biwaq_data import texts_de as T

ALL_ROLES = ("press", "analyst", "data_manager")


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str
    roles: tuple[str, ...] = ALL_ROLES
    default: bool = False
    uses_filters: bool = True  # the sidebar figure filters apply to this page

    @property
    def title(self) -> str:
        return T.PAGE_TITLES[self.title_key]


PAGES: list[PageSpec] = [
    PageSpec("pages/ueberblick.py", "overview", ":material/dashboard:", default=True),
    PageSpec("pages/wirkung.py", "impact", ":material/filter_alt:"),
    PageSpec("pages/aufschluesselung.py", "breakdown", ":material/bar_chart:", ("analyst", "data_manager")),
    PageSpec("pages/zeitverlauf.py", "trends", ":material/timeline:", ("analyst", "data_manager")),
    PageSpec("pages/soll_ist.py", "targets", ":material/flag:", ("analyst", "data_manager")),
    PageSpec("pages/kohorten.py", "cohorts", ":material/groups:", ("analyst", "data_manager")),
    PageSpec("pages/leistungen.py", "services", ":material/handshake:", ("analyst", "data_manager")),
    PageSpec("pages/indikatoren.py", "indicators", ":material/assignment:", ("analyst", "data_manager")),
    PageSpec("pages/quartiere.py", "neighbourhoods", ":material/map:", ("analyst", "data_manager")),
    PageSpec("pages/daten.py", "data", ":material/upload_file:", ("data_manager",), uses_filters=False),
]


def pages_for(role: str | None) -> list[PageSpec]:
    """Pages a role may open; None (sign-in not configured) means all pages."""
    return [p for p in PAGES if role is None or role in p.roles]
