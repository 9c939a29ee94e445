"""The city dashboard speaks one unit per figure (issue 14): the total in g/kg/t like every page, each chart in
the unit its largest bar needs and says so on its axis, an everyday comparison with its sources, in zh and en."""
from points.common.clock import utcnow
from tests.support.charts import charts
from tests.support.ledger import load, verified


def axis_titles(app) -> list[str]:
    """The x axis title of each chart: the value axis of the horizontal ones."""
    return [spec["encoding"]["x"]["title"] for spec, _ in charts(app)]


def test_the_total_and_the_charts_use_kilograms_with_the_unit_named(make_user, open_page):
    load()
    admin, rita = make_user("boss", role="admin"), make_user("rita", district="思明")
    verified(rita.id, "metro", 60, when=utcnow(), source="partner")  # 2,802 g
    verified(rita.id, "bus", 20, when=utcnow(), source="partner")    # 538 g
    app = open_page(None, admin, lang="zh")
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["减排量"] == "3.3 千克"
    assert axis_titles(app)[:3] == ["减排量（千克二氧化碳当量）"] * 3  # by action, category, district
    by_action = app.table[0].value
    assert by_action.iloc[:, 1].tolist() == [0.5, 2.8] and "乘地铁出行" in by_action.iloc[:, 0].tolist()
    captions = " ".join(caption.value for caption in app.caption)
    assert "≈ 少开车 20 公里" in captions and "美国环境保护署" in captions
    assert "乘地铁出行最多，为 2.8 千克，合计 3.3 千克" in captions


def test_small_amounts_stay_in_grams_in_english(make_user, open_page):
    load()
    admin, rita = make_user("boss", role="admin"), make_user("rita", district="思明")
    verified(rita.id, "bus", 10, when=utcnow(), source="partner")  # 269 g
    app = open_page(None, admin)
    assert {metric.label: metric.value for metric in app.metric}["CO₂e avoided"] == "269 g"
    assert axis_titles(app)[0] == "CO₂e (g)" and app.table[2].value.iloc[0, 0] == "Siming"
    assert not any("≈" in caption.value for caption in app.caption)  # under 1 kg: no comparison
