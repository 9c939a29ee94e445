"""The public page a certificate's QR opens: what it certifies and whether it is genuine; no sign-in needed."""
import streamlit as st

from db.engine import read_session
from points.certificates.verification import VALID, verify_code
from ui.attempt import attempt_step
from ui.certificate_view import statement_text, verified_facts
from ui.i18n import t

st.title(t("certificates.verify.title"))
code = st.query_params.get("c")


def check():
    with read_session() as session:
        return verify_code(session, code=code)


if not code:
    st.info(t("certificates.verify.how"))
else:
    outcome = attempt_step(check)
    if outcome.ok and outcome.value is not None:
        verified = outcome.value
        if verified.standing == VALID:
            st.success(t("certificates.verify.genuine"), icon=":material/verified:")
        else:
            st.warning(t(f"certificates.verify.{verified.standing}"))
        with st.container(border=True):
            if verified.name is not None:
                st.write(statement_text(verified))
            for fact in verified_facts(verified):
                st.write(fact)
    st.caption(t("certificates.verify.privacy"))
