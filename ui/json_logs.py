"""The portal's own log lines as JSON, one object a line on stderr, for the city's log collector.

Only the "green_egret" logger and its children: Streamlit keeps its own plain lines. Fields given as `extra=`
(page, seconds, code) become keys of the object, so a collector can filter without parsing text.
"""
import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

LOGGER = "green_egret"
FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}


class _PortalHandler(logging.StreamHandler):
    """Marks the handler this module installed, so configuring twice (tests, reruns) adds no second one."""


def configure_json_logs(stream: TextIO | None = None, level: int = logging.INFO) -> logging.Logger:
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, _PortalHandler)]:
        logger.removeHandler(handler)
    handler = _PortalHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter("{asctime}{levelname}{name}{message}", style="{", rename_fields=FIELDS))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return logger
