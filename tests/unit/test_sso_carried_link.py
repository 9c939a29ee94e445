"""The cookie that crosses st.login's round trip (ui.sso_trip): only our own recent cookie, and only a same-site
path to /checkin, is followed; the scan still verifies the token after sign-in."""
import time

from itsdangerous import URLSafeTimedSerializer

from ui import sso_trip


def test_only_a_same_site_path_to_the_check_in_page_is_followed():
    assert sso_trip.checkin_link_from("/checkin?c=7&t=abc") == ("7", "abc")
    for path in ("https://elsewhere.example/checkin?c=7&t=abc", "//elsewhere.example/checkin?c=7&t=abc",
                 "/admin-ledger?c=7&t=abc", "/checkin/../users?c=7", "javascript:alert(1)", "", None, 7):
        assert sso_trip.checkin_link_from(path) is None


def test_the_cookie_must_be_signed_by_this_portal_recent_and_well_formed(monkeypatch):
    carried = {"trip": "t-1", "checkin": "/checkin?c=7&t=abc"}
    ours = sso_trip._carrier().dumps(carried)
    assert sso_trip.carried_from(ours) == sso_trip.Carried("t-1", "/checkin?c=7&t=abc")
    forged = URLSafeTimedSerializer("someone else's secret", salt="green-egret.sso-round-trip")
    assert sso_trip.carried_from(forged.dumps(carried)) is None
    assert sso_trip.carried_from(ours[:-2] + "xx") is None and sso_trip.carried_from(None) is None
    for odd in ("/checkin?c=7", {"trip": 7, "checkin": ""}, {"trip": "t-1"}):
        assert sso_trip.carried_from(sso_trip._carrier().dumps(odd)) is None
    later = time.time() + sso_trip.TRIP_SECONDS + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert sso_trip.carried_from(ours) is None
