"""An organiser's event title is shown as typed: Streamlit renders titles as Markdown, so an image in a title made
every visitor's browser fetch it (a tracker on the public events page), and a link could point anywhere."""
import re
from datetime import timedelta

from points.common.clock import utcnow
from tests.support.checkin import load_city, make_checkpoint

TITLE = "![seen](https://tracker.example/t.png) [win](javascript:alert(1)) **bold** :red[x]"
DESCRIPTION = "# big <b>tag</b> `code` _it_ https://tracker.example/x"
# A Markdown character that acts unless a backslash escapes it (CommonMark: any ASCII punctuation may be escaped).
ACTIVE = re.compile(r"(?<!\\)[!\[\]()*_#`<>:]")


def _unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_an_event_title_with_markdown_shows_literally_on_the_events_page(make_user, open_page):
    load_city()
    organizer = make_user("olga", role="organizer")
    make_checkpoint(organizer.id, title_en=TITLE, description_en=DESCRIPTION,
                    starts_at=utcnow() + timedelta(days=2), ends_at=utcnow() + timedelta(days=2, hours=3))
    app = open_page("pages/public/events.py", None)
    assert not app.exception
    title, description = app.subheader[0].value, app.caption[0].value
    assert (_unescaped(title), _unescaped(description)) == (TITLE, DESCRIPTION)
    assert ACTIVE.findall(title) == [] and ACTIVE.findall(description) == []
