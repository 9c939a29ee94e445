"""The district and community pickers that registration and the account page share: the city's districts and
communities (社区), translated, and "prefer not to say" (""), which is the default: a resident need not tell where
they live. The community list shows each community with its district, since both sit in one form (a form cannot
narrow one list by the other before it is sent); the domain refuses a community outside the chosen district."""
import streamlit as st

from points.communities.registry import communities, find_community
from points.places.registry import DISTRICTS
from ui.i18n import localized, t


def district_name(district: str) -> str:
    return t(f"map.district.{district}") if district else t("landing.district.none")


def community_name(community_id: str | None) -> str:
    """A community's name in the reader's language; an id the city's list no longer has shows as stored."""
    found = find_community(community_id)
    return localized(found) if found else (community_id or t("communities.none"))


def district_select(*, key: str, current: str | None = None) -> str:
    """The chosen district, or "" for "prefer not to say"."""
    options = ["", *DISTRICTS]
    names = {option: district_name(option) for option in options}  # format_func may run outside the script's run
    return st.selectbox(t("landing.district.label"), options, index=options.index(current) if current in options else 0,
                        format_func=names.__getitem__, help=t("landing.district.help"), key=key)


def community_select(*, key: str, current: str | None = None) -> str:
    """The chosen community's id, or "" for none given (or not on the city's list yet)."""
    options = ["", *(community.id for community in communities())]
    names = {"": t("communities.none")} | {
        community.id: t("communities.option", community=localized(community),
                        district=district_name(community.district)) for community in communities()}
    return st.selectbox(t("communities.label"), options, index=options.index(current) if current in options else 0,
                        format_func=names.__getitem__, help=t("communities.help"), key=key)
