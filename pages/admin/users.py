"""Users: search, change a role, disable (ends their sessions) or enable, unlock after failed sign-ins."""
import streamlit as st

from db.engine import read_session
from points.accounts.users import backed_off_until
from points.accounts.users_admin import change_role, search_users, set_disabled, unlock
from points.common.roles import ROLES
from ui import format as fmt
from ui.admin_view import every, labels, staff_user
from ui.attempt import attempt
from ui.i18n import t

user, can_change = staff_user()
st.title(t("nav.users"))
if message := st.session_state.pop("users_message", None):
    st.success(message)
left, right = st.columns(2)
needle = left.text_input(t("admin.users.search"), key="users_search")
role_filter = labels(["", *ROLES], every("role."))
role = right.selectbox(t("admin.users.role"), list(role_filter), key="users_role", format_func=role_filter.get)
with read_session() as session:
    found = search_users(session, actor_id=user.id, text=needle, role=role)
    held = {person.id: backed_off_until(session, username=person.username) for person in found}


def state(person) -> str:
    """Held back while some client's sign-in backoff on the account lasts (an unlock lifts it)."""
    if person.disabled:
        return t("admin.users.disabled")
    if held[person.id]:
        return t("admin.users.locked_until", when=fmt.moment(held[person.id]))
    return t("admin.users.active")


st.dataframe([{t("admin.users.username"): person.username, t("admin.users.name"): person.display_name,
               t("admin.users.role"): t(f"role.{person.role}"), t("admin.users.state"): state(person),
               t("admin.users.district"): person.district or ""} for person in found],
             hide_index=True, key="users_table")
if not found:
    st.caption(t("admin.no_data"))

if can_change and found:
    people = {person.id: person for person in found}
    picked = st.selectbox(t("admin.users.pick"), list(people), key="users_pick",
                          format_func=lambda pid: f"{people[pid].username} ({people[pid].display_name})")
    person = people[picked]
    role_names = labels(ROLES, lambda code: t(f"role.{code}"))
    new_role = st.selectbox(t("admin.users.new_role"), ROLES, index=ROLES.index(person.role), key="users_new_role",
                            format_func=role_names.get)
    actions = st.columns(3)
    steps = {"role": actions[0].button(t("admin.users.apply_role"), key="users_apply_role"),
             "disable": actions[1].button(t("admin.users.enable" if person.disabled else "admin.users.disable"),
                                          key="users_disable"),
             "unlock": actions[2].button(t("admin.users.unlock"), key="users_unlock")}
    step = next((name for name, pressed in steps.items() if pressed), None)
    writes = {"role": lambda session: change_role(session, actor_id=user.id, user_id=person.id, role=new_role),
              "disable": lambda session: set_disabled(session, actor_id=user.id, user_id=person.id,
                                                      disabled=not person.disabled),
              "unlock": lambda session: unlock(session, actor_id=user.id, user_id=person.id)}
    if step and attempt(writes[step]).ok:
        st.session_state["users_message"] = t(f"admin.users.done_{step}", user=person.username)
        st.rerun()
