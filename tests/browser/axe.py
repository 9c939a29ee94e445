"""axe-core (bundled by axe-playwright-python) on the page as the browser shows it now.

The build fails on any serious or critical violation (issue 14); minor and moderate ones are reported by axe but
are not the gate. WCAG 2.1 A and AA rules plus axe's best practices, which include target size.
"""
from axe_playwright_python.sync_playwright import Axe

GATING_IMPACTS = ("serious", "critical")
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
_AXE = Axe()


def serious_violations(page) -> list[str]:
    """One line per serious or critical violation: rule, impact, how many nodes, the first node's selector."""
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": RULE_TAGS},
                                      "resultTypes": ["violations"]})
    return [f"{rule['id']} ({rule['impact']}) x{len(rule['nodes'])}: {rule['nodes'][0]['target']} "
            f"{rule['nodes'][0]['failureSummary'][:160]!r}"
            for rule in results.response["violations"] if rule["impact"] in GATING_IMPACTS]


def assert_accessible(page, where: str = "") -> None:
    """Fail with every serious or critical violation axe finds on the page as it is drawn now."""
    found = serious_violations(page)
    assert not found, f"axe on {where or page.url}:\n" + "\n".join(found)
