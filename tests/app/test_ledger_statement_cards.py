"""The resident's statement reads on a phone: one card an entry instead of a ten-column table, and the receipt's
two hashes folded away behind "Details", in groups that wrap."""
from tests.support.ledger import entries_of, load, log

LEDGER = "pages/resident/ledger.py"


def test_each_entry_is_a_card_with_its_points_factor_and_channel(make_user, open_page):
    load()
    ann = make_user("ann")
    log(ann.id, "metro", 10)
    log(ann.id, "paper", 2)
    app = open_page(LEDGER, ann)
    assert not app.exception and not app.dataframe
    cards = [block for block in app.main.children.values() if getattr(block.proto, "flex_container", None)
             and block.proto.flex_container.border]
    card_texts = [" ".join(str(element.value) for element in card.markdown) for card in cards]
    assert len(card_texts) == 2
    newest, oldest = card_texts
    assert "Entry 2 · " in newest and "147 points" in newest and "Metro" not in newest
    assert "Metro trip" in oldest and "233 points" in oldest and "10 km" in oldest and "v2" in oldest
    assert "Self-reported" in oldest and "earned" in oldest


def test_the_hashes_sit_behind_details_in_groups_of_sixteen(make_user, open_page):
    load()
    ann = make_user("ann")
    log(ann.id, "metro", 10)
    app = open_page(LEDGER, ann, lang="zh")
    [entry] = entries_of(ann.id)
    [details] = app.expander
    assert details.label == "详情"
    codes = [element.value for element in details.code]
    assert codes == [" ".join(entry.prev_hash[i:i + 16] for i in range(0, 64, 16)),
                     " ".join(entry.hash[i:i + 16] for i in range(0, 64, 16))]
    outside = " ".join(str(element.value) for element in [*app.main.markdown, *app.main.text])
    assert entry.hash not in outside and entry.hash[:16] not in outside
