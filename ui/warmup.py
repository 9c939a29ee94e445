"""Warm the process at start-up, so the first visitor does not pay for it (issue 14: a cold QR scan showed a blank
page for 13–19 s).

A fresh process has imported Streamlit and the portal's frame, but not what the pages import: pandas, altair,
folium, qrcode, zxing, fpdf and the portal's own modules are imported by the first run that needs them, inside
that visitor's request. The lifespan in app.py calls `warm_up()` before the server takes requests: it imports every
module that a page or a ui helper imports (read from their source, so a new page is warmed without editing a list)
and fills the caches that read files. `GREEN_EGRET_WARMUP=0` skips it (`python -m bench first-paint` compares).

A Streamlit component package (streamlit_folium) registers its frontend only when first imported inside a script
run; imported here, its files would never be served. It, and the ui modules that import it, are left to the first
run that needs them (the libraries those modules use, folium included, are still warmed).
"""
import ast
import importlib
import logging
from datetime import UTC, datetime
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal

from points.accounts.passwords import common_passwords
from points.catalogue.wording import translated_sources
from points.checkin.posters import qr_png
from points.common.equivalents import load_equivalents
from points.places.trails import trail_nodes
from points.score.rules import load_rules
from ui.i18n import BABEL_LOCALES, LANGUAGES, catalogue

logger = logging.getLogger("green_egret")
ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pages", "ui")  # the page scripts, and the helpers they call (whose imports may sit in functions)
INSIDE_A_RUN = frozenset({"streamlit_folium"})  # component packages: see above
FILE_CACHES = (load_equivalents, translated_sources, load_rules, common_passwords, trail_nodes)


def _names_in(path: Path) -> set[str]:
    """Every absolute module (or, for `from x import y`, candidate module x.y) one file's imports name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imported_modules(root: Path = ROOT) -> list[str]:
    """The modules the pages' and ui's source imports, sorted, minus those that must be imported inside a run."""
    imports = {path: _names_in(path) for folder in SOURCES for path in sorted((root / folder).rglob("*.py"))}
    ui_modules = {f"ui.{path.stem}": names for path, names in imports.items() if path.parent == root / "ui"}
    later = set(INSIDE_A_RUN)
    while grown := {name for name, names in ui_modules.items() if name not in later and names & later}:
        later |= grown
    return sorted(name for name in set().union(*imports.values())
                  if not any(name == skipped or name.startswith(f"{skipped}.") for skipped in later))


def _import(name: str) -> bool:
    """Import one module; a name that is a class or function (`from x import y`) is not a module and is skipped.

    A module that fails for another reason is logged and left for its page to report: warming must never keep
    the whole portal from starting.
    """
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            logger.warning("warm-up could not import %s: %s", name, error)
        return False
    except Exception:
        logger.exception("warm-up could not import %s", name)
        return False
    return True


def warm_up() -> int:
    """Import what the pages import, fill the file caches, load Babel's locale data (read on first use) and draw
    one QR code (Pillow's encoders load on first use); returns how many modules were imported."""
    imported = sum(_import(name) for name in imported_modules())
    for language in LANGUAGES:
        catalogue(language)
        format_datetime(datetime.now(UTC), format="short", locale=BABEL_LOCALES[language])
        format_decimal(1234.5, locale=BABEL_LOCALES[language])
    for fill in FILE_CACHES:
        fill()
    qr_png("green-egret warm-up")
    return imported
