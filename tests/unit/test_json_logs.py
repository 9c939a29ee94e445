"""Log lines an operator's collector can read: one JSON object a line, with the fields the code passed."""
import io
import json
import logging

import pytest

from tests.support.portal import running_portal
from ui.json_logs import LOGGER, configure_json_logs


@pytest.fixture(autouse=True)
def restore_logger():
    """Other tests read the portal's log through pytest's caplog, which needs the lines to reach the root."""
    logger = logging.getLogger(LOGGER)
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


def test_portal_log_lines_are_json_objects_with_their_extra_fields():
    out = io.StringIO()
    configure_json_logs(out)
    configure_json_logs(out)  # configuring again (a second start in one process) adds no second handler
    logging.getLogger("green_egret.partner_api").warning("refused", extra={"code": "bad_signature"})
    try:
        raise ValueError("boom")
    except ValueError as error:
        logging.getLogger("green_egret").error("unexpected error", exc_info=error)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["level"], first["logger"], first["message"], first["code"]) == \
        ("WARNING", "green_egret.partner_api", "refused", "bad_signature")
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exc_info"] and "time" in second


def test_a_started_portal_writes_its_own_lines_as_json(tmp_path):
    """The portal configures the JSON lines itself at start-up: an operator sets nothing."""
    with running_portal(tmp_path):
        pass
    lines = [json.loads(line) for line in (tmp_path / "server.log").read_text().splitlines() if line.startswith("{")]
    started = [line for line in lines if line["message"] == "portal started"]
    assert len(started) == 1 and started[0]["logger"] == "green_egret" and started[0]["warmed_modules"] > 0
