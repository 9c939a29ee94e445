"""City sign-on accounts (points.accounts.sso): found by (issuer, subject), never a role from the claims (only an
operator's mapping reaches a staff account), linking needs the account's password, a disabled account is refused,
and one ID token opens one session while fresh."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

import manage
from db.engine import read_session, write_session
from db.models import AuditLog, ExternalIdentity, SignInSession, User
from points.accounts import signin, sso, users_admin
from points.common.errors import DomainError

CITY = "https://id.xiamen.example"
NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def claims(sub: str = "lin-001", *, iss: str = CITY, at: datetime = NOW, **extra) -> dict:
    return {"iss": iss, "sub": sub, "iat": int(at.timestamp()), "aud": ["green-egret"], **extra}


def identity(sub: str = "lin-001", *, at: datetime = NOW, **extra) -> sso.CityIdentity:
    found = sso.identity_from_claims(claims(sub, at=at, **extra))
    assert found is not None
    return found


def rows(model) -> list:
    with read_session() as session:
        return list(session.exec(select(model)).all())


def test_claims_without_issuer_subject_or_issue_time_are_no_identity():
    for missing in ("iss", "sub", "iat"):
        assert sso.identity_from_claims({k: v for k, v in claims().items() if k != missing}) is None
    assert sso.identity_from_claims(claims(iat=True)) is None


def test_first_sign_in_creates_a_resident_whatever_the_claims_say():
    new = identity(name="Lin Wei", email="lin@example.org", role="admin", groups=["admin"])
    assert sso.sign_in(identity=new, now=NOW) is None  # new here: the resident chooses first
    signed = sso.create_resident(identity=new, language="en", now=NOW)
    [user] = rows(User)
    assert (user.role, user.display_name, user.language) == ("resident", "Lin Wei", "en")
    assert "lin@example.org" not in repr(user.model_dump())  # no e-mail kept, and never as the identity
    [link] = rows(ExternalIdentity)
    assert (link.user_id, link.issuer, link.subject) == (user.id, CITY, "lin-001")
    with read_session() as session:
        assert signin.user_for_session(session, session_id=signin.session_id_for_token(signed.token), now=NOW)


def test_a_city_resident_cannot_sign_in_with_a_password_until_they_set_one():
    signed = sso.create_resident(identity=identity(), now=NOW)
    assert signed.user.password_hash.startswith("$argon2id$")  # a real hash of a secret nobody kept
    for guess in ("", "lin-001", signed.user.username):
        with pytest.raises(DomainError, match="signin_failed"):
            signin.sign_in(username=signed.user.username, password=guess, client="1.2.3.4", now=NOW)


def test_the_next_sign_in_finds_the_same_resident_by_issuer_and_subject():
    first = sso.create_resident(identity=identity(name="Lin Wei"), now=NOW)
    later = NOW + timedelta(days=3)
    again = sso.sign_in(identity=identity(at=later, name="Someone Else", email="other@example.org"), now=later)
    assert again is not None and again.user.id == first.user.id
    assert again.user.display_name == "Lin Wei"  # claims do not overwrite the profile
    assert len(rows(User)) == 1 and rows(ExternalIdentity)[0].last_sign_in_at == later


def test_the_same_subject_from_another_issuer_or_the_same_email_is_someone_else():
    sso.create_resident(identity=identity(email="lin@example.org"), now=NOW)
    other_issuer = sso.identity_from_claims(claims(iss="https://id.elsewhere.example"))
    assert other_issuer is not None and sso.sign_in(identity=other_issuer, now=NOW) is None
    assert sso.sign_in(identity=identity("lin-002", email="lin@example.org"), now=NOW) is None


def test_one_id_token_opens_one_session_and_only_while_fresh():
    sso.create_resident(identity=identity(), now=NOW)
    with pytest.raises(DomainError, match="sso_expired"):  # Streamlit's cookie replayed: same token
        sso.sign_in(identity=identity(), now=NOW + timedelta(minutes=1))
    stale = identity(at=NOW + timedelta(hours=1))
    with pytest.raises(DomainError, match="sso_expired"):
        sso.sign_in(identity=stale, now=NOW + timedelta(hours=1) + sso.FRESH_FOR + timedelta(seconds=1))
    assert sso.sign_in(identity=stale, now=NOW + timedelta(hours=1) + sso.FRESH_FOR) is not None
    with pytest.raises(DomainError, match="sso_expired"):
        sso.create_resident(identity=identity("lin-002"), now=NOW + sso.FRESH_FOR + timedelta(seconds=1))
    assert len(rows(User)) == 1 and len(rows(SignInSession)) == 2


def test_linking_needs_the_accounts_password(make_user):
    mei = make_user("mei", password="egret-over-the-sea")
    with pytest.raises(DomainError, match="signin_failed"):
        sso.link_account(identity=identity(), username="mei", password="wrong-password", client="1.2.3.4", now=NOW)
    assert rows(ExternalIdentity) == [] and rows(SignInSession) == []
    with read_session() as session:
        assert session.get(User, mei.id).failed_signins == 1  # counted as any wrong password
    signed = sso.link_account(identity=identity(), username="mei", password="egret-over-the-sea",
                              client="1.2.3.4", now=NOW)
    assert signed.user.id == mei.id and [row.user_id for row in rows(ExternalIdentity)] == [mei.id]
    later = NOW + timedelta(days=1)
    assert sso.sign_in(identity=identity(at=later), now=later).user.id == mei.id
    assert len(rows(User)) == 1


def test_a_staff_account_is_not_linked_and_its_session_ends(make_user):
    make_user("olga", role="organizer", password="egret-over-the-sea")
    with pytest.raises(DomainError, match="sso_link_staff"):
        sso.link_account(identity=identity(), username="olga", password="egret-over-the-sea", client="1.2.3.4",
                         now=NOW)
    assert rows(ExternalIdentity) == []
    assert all(row.ended_at is not None for row in rows(SignInSession))


def test_an_account_links_to_one_city_account_per_issuer(make_user):
    make_user("mei", password="egret-over-the-sea")
    sso.link_account(identity=identity(), username="mei", password="egret-over-the-sea", client="1.2.3.4", now=NOW)
    with pytest.raises(DomainError, match="sso_already_linked"):
        sso.link_account(identity=identity("lin-002"), username="mei", password="egret-over-the-sea",
                         client="1.2.3.4", now=NOW)
    assert [row.subject for row in rows(ExternalIdentity)] == ["lin-001"]


def test_a_disabled_resident_is_refused(make_user):
    admin = make_user("ada", role="admin")
    signed = sso.create_resident(identity=identity(), now=NOW)
    with write_session() as session:
        users_admin.set_disabled(session, actor_id=admin.id, user_id=signed.user.id, disabled=True, now=NOW)
    later = NOW + timedelta(minutes=5)
    with pytest.raises(DomainError, match="sso_refused"):
        sso.sign_in(identity=identity(at=later), now=later)
    assert [row.ended_at is not None for row in rows(SignInSession)] == [True]


def test_only_an_operators_mapping_gives_a_city_account_a_staff_role(make_user):
    olga = make_user("olga", role="organizer")
    with write_session() as session:
        sso.map_account(session, username="olga", issuer=CITY, subject="olga-007", operator="ops", now=NOW)
    later = NOW + timedelta(minutes=1)
    signed = sso.sign_in(identity=identity("olga-007", at=later), now=later)
    assert signed is not None and (signed.user.id, signed.user.role) == (olga.id, "organizer")
    [entry] = [row for row in rows(AuditLog) if row.action == "user.city_account"]
    assert (entry.target_id, entry.after) == (str(olga.id), {"issuer": CITY, "subject": "olga-007",
                                                             "role": "organizer", "operator": "ops"})
    unmapped = identity("lin-001", at=later, role="admin", roles=["organizer"], groups=["staff"])
    assert sso.create_resident(identity=unmapped, now=later).user.role == "resident"


def test_a_mapping_is_refused_for_an_unknown_user_a_taken_city_account_or_a_blank_subject(make_user):
    make_user("olga", role="organizer")
    make_user("ada", role="admin")
    with write_session() as session:
        sso.map_account(session, username="olga", issuer=CITY, subject="olga-007", operator="ops", now=NOW)
    refusals = [("nobody", CITY, "x-1", "unknown_user"), ("ada", CITY, "olga-007", "sso_identity_taken"),
                ("olga", CITY, "olga-008", "sso_already_linked"), ("ada", CITY, "  ", "sso_mapping_incomplete")]
    for username, issuer, subject, code in refusals:
        with pytest.raises(DomainError, match=code), write_session() as session:
            sso.map_account(session, username=username, issuer=issuer, subject=subject, operator="ops", now=NOW)
    [olga] = [user for user in rows(User) if user.username == "olga"]
    assert [(row.subject, row.user_id) for row in rows(ExternalIdentity)] == [("olga-007", olga.id)]
    assert len([row for row in rows(AuditLog) if row.action == "user.city_account"]) == 1


def test_the_operators_command_maps_a_city_account(make_user, capsys):
    olga = make_user("olga", role="organizer")
    argv = ["link-city-account", "olga", "--issuer", CITY, "--subject", "olga-007", "--operator", "ops"]
    assert manage.main(argv) == 0
    assert capsys.readouterr().out == f"city account olga-007 at {CITY} now signs in as olga\n"
    assert manage.main(argv) == 1
    assert capsys.readouterr().err == "error: sso_identity_taken\n"
    assert [(row.user_id, row.issuer, row.subject) for row in rows(ExternalIdentity)] == [(olga.id, CITY, "olga-007")]
