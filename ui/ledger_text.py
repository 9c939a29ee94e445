"""How an action, its factor and a claim's outcome read in words, shared by the log and ledger pages."""
from db.models import ActionType
from points.catalogue.carbon import credit_for, credited_factor_g
from points.catalogue.wording import source_in
from points.claims.lifecycle import ClaimResult
from ui.format import confidence, grams, number, unit_name, year
from ui.i18n import current_language, localized, t


def action_name(action: ActionType) -> str:
    return localized(action)


def unit_label(unit: str, count: float = 2) -> str:
    """The unit for `count` of it ("1 meal", "2 meals"; "g/meal" with count 1)."""
    return unit_name(unit, count)


def quantity_text(quantity: float) -> str:
    return number(quantity, 0 if quantity == int(quantity) else 2)


def factor_text(action: ActionType) -> str:
    """'46.7 g/km', or for an upper bound '50% of 295 g/kg, an upper bound'."""
    unit = unit_label(action.unit, 1)
    if action.credit_share < 1:
        return t("ledger.factor_share", share=number(action.credit_share * 100), grams=number(action.factor_g, 1),
                 unit=unit)
    return t("ledger.factor_per_unit", grams=number(float(credited_factor_g(action)), 1), unit=unit)


def channel_text(channel: str | None, partner_name: str | None = None) -> str:
    """Where an entry's claim came from, in words ("Partner: demo-metro"); "" for entries without a claim
    (redemptions, adjustments). A channel this page does not know yet shows as its code."""
    if channel is None:
        return ""
    if channel == "partner":
        return t("partners_ui.channel.partner", partner=partner_name or "?")
    key = f"partners_ui.channel.{channel}"
    text = t(key)
    return channel if text == key else text


def source_text(action: ActionType) -> str:
    return t("ledger.source_line", source=source_in(action, current_language()), year=year(action.year),
             confidence=confidence(action.confidence), version=action.version)


def preview_text(action: ActionType, quantity: float) -> str:
    """'10 km · Metro trip ≈ 467 g CO₂e = 467 points (46.7 g/km)' before anything is written."""
    credit = credit_for(action, quantity)
    common = {"quantity": quantity_text(quantity), "unit": unit_label(action.unit, quantity),
              "action": action_name(action), "points": number(credit.points)}
    if action.factor_kind == "points_only":
        return t("ledger.preview_points_only", **common)
    return t("ledger.preview", grams=grams(credit.co2e_g), factor=factor_text(action), **common)


def limits_text(action: ActionType) -> str:
    unit = unit_label(action.unit)
    if action.verification == "review":
        return t("ledger.review_always")
    if action.plausibility_limit is None:
        return t("ledger.limits_cap_only", cap=quantity_text(action.daily_cap), unit=unit)
    return t("ledger.limits", cap=quantity_text(action.daily_cap), limit=quantity_text(action.plausibility_limit),
             unit=unit)


def cap_text(result: ClaimResult, action: ActionType) -> str:
    """The cap the claim met with its unit ("3 meals"): a self-report is held to its own, lower one
    (points.claims.channels)."""
    own = action.self_daily_cap if result.claim.source == "self" else None
    return amount_text(own if own is not None else action.daily_cap or 0, action.unit)


def amount_text(quantity: float, unit: str) -> str:
    """ "1 meal", "2.5 km": the unit agrees with the number."""
    return f"{quantity_text(quantity)} {unit_label(unit, quantity)}"


def outcome_messages(result: ClaimResult, action: ActionType) -> list[tuple[str, str]]:
    """[(kind, text)] to show after a submission: success, info or warning lines, nothing left unsaid."""
    unit = unit_label(action.unit)
    if result.status == "pending":
        reason = t(f"ledger.reason.{result.claim.status_reason}",
                   limit=quantity_text(action.plausibility_limit or 0), unit=unit)
        return [("info", t("ledger.pending", reason=reason))]
    messages = []
    if not result.created:
        messages.append(("info", t("ledger.already_logged")))
    if result.credited_quantity:
        key = "ledger.credited_points_only" if action.factor_kind == "points_only" else "ledger.credited"
        messages.append(("success", t(key, points=number(result.points), grams=grams(result.co2e_g))))
        if result.over_cap_quantity:
            messages.append(("warning", t("ledger.over_cap", over=amount_text(result.over_cap_quantity, action.unit),
                                          cap=cap_text(result, action))))
    else:
        messages.append(("warning", t("ledger.nothing_credited", cap=cap_text(result, action))))
    return messages
