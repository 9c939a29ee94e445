"""Which pages each role sees. Every page has a stable url_path (DESIGN contracts)."""
from dataclasses import dataclass

from points.common.roles import ADMIN, ORGANIZER, RESIDENT, ROLES, STAFF_READERS

SIGNED_OUT = "signed_out"
SIGNED_IN = ROLES
EVERYONE = (SIGNED_OUT, *SIGNED_IN)
STAFF = STAFF_READERS


@dataclass(frozen=True)
class PageSpec:
    key: str                      # url_path, and the message key nav.<key>
    path: str                     # script under pages/<audience>/
    icon: str
    roles: tuple[str, ...]        # who may open it; SIGNED_OUT means visitors who are not signed in
    section: str                  # menu group, message key section.<section>
    default_for: tuple[str, ...] = ()
    hidden: bool = False          # routable but kept out of the menu


PAGES: list[PageSpec] = [
    PageSpec("home", "pages/public/landing.py", ":material/home:", (SIGNED_OUT,), "portal",
             default_for=(SIGNED_OUT,)),
    PageSpec("signin", "pages/public/signin.py", ":material/login:", (SIGNED_OUT,), "portal"),
    PageSpec("register", "pages/public/register.py", ":material/person_add:", (SIGNED_OUT,), "portal"),
    PageSpec("account", "pages/resident/account.py", ":material/manage_accounts:", SIGNED_IN, "me",
             default_for=(ORGANIZER,)),
    PageSpec("home", "pages/resident/home.py", ":material/home:", (RESIDENT,), "me", default_for=(RESIDENT,)),
    PageSpec("log", "pages/resident/log.py", ":material/add_task:", (RESIDENT,), "act"),
    PageSpec("report", "pages/resident/report.py", ":material/report:", (RESIDENT,), "act"),
    PageSpec("ledger", "pages/resident/ledger.py", ":material/receipt_long:", (RESIDENT,), "me"),
    PageSpec("inbox", "pages/resident/inbox.py", ":material/mail:", (RESIDENT,), "me"),
    PageSpec("dashboard", "pages/admin/dashboard.py", ":material/monitoring:", STAFF, "admin", default_for=STAFF),
    PageSpec("review", "pages/admin/review.py", ":material/fact_check:", STAFF, "admin"),
    PageSpec("report-triage", "pages/admin/report_triage.py", ":material/assignment_late:", STAFF, "admin"),
    PageSpec("admin-ledger", "pages/admin/admin_ledger.py", ":material/receipt_long:", STAFF, "admin"),
    PageSpec("audit", "pages/admin/audit.py", ":material/history:", STAFF, "admin"),
    PageSpec("users", "pages/admin/users.py", ":material/group:", STAFF, "admin"),
    PageSpec("catalog", "pages/admin/catalog.py", ":material/category:", STAFF, "admin"),
    PageSpec("map", "pages/public/map.py", ":material/map:", EVERYONE, "community"),
    PageSpec("trail", "pages/public/trail.py", ":material/hiking:", EVERYONE, "community", hidden=True),
    PageSpec("places", "pages/admin/places.py", ":material/edit_location_alt:", (ADMIN,), "admin"),
    PageSpec("partners", "pages/admin/partners.py", ":material/handshake:", (ADMIN,), "admin"),
    PageSpec("events", "pages/public/events.py", ":material/volunteer_activism:", EVERYONE, "community"),
    PageSpec("community", "pages/public/community.py", ":material/diversity_3:", EVERYONE, "community"),
    PageSpec("open-data", "pages/public/open_data.py", ":material/dataset:", EVERYONE, "community"),
    PageSpec("checkin", "pages/public/checkin.py", ":material/qr_code_scanner:", EVERYONE, "act", hidden=True),
    PageSpec("organize", "pages/organizer/organize.py", ":material/event_available:", (ORGANIZER, ADMIN),
             "organize"),
    PageSpec("station", "pages/organizer/station.py", ":material/recycling:", (ORGANIZER, ADMIN), "organize"),
    PageSpec("score", "pages/resident/score.py", ":material/workspace_premium:", (RESIDENT,), "me"),
    PageSpec("rewards", "pages/resident/rewards.py", ":material/redeem:", (RESIDENT,), "me"),
    PageSpec("certificates", "pages/resident/certificates.py", ":material/license:", (RESIDENT,), "me"),
    PageSpec("projects", "pages/public/projects.py", ":material/forest:", EVERYONE, "community"),
    PageSpec("verify", "pages/public/verify.py", ":material/verified:", EVERYONE, "community", hidden=True),
    PageSpec("admin-projects", "pages/admin/projects_admin.py", ":material/park:", (ADMIN,), "admin"),
    PageSpec("leaderboard", "pages/resident/leaderboard.py", ":material/leaderboard:", (RESIDENT,), "community"),
    PageSpec("appeals", "pages/admin/appeals.py", ":material/gavel:", STAFF, "admin"),
]


def default_key(role: str) -> str:
    return next(spec.key for spec in PAGES if role in spec.default_for)


def page_link(key: str, role: str, **kwargs) -> None:
    """Link to a page by key, only when this role's menu has it (st.page_link refuses other pages)."""
    import streamlit as st

    from ui.i18n import t

    spec = next((spec for spec in PAGES if spec.key == key and role in spec.roles), None)
    if spec is not None:
        st.page_link(spec.path, label=kwargs.pop("label", t(f"nav.{key}")), icon=spec.icon, **kwargs)
