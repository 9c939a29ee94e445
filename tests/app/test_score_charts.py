"""ui.charts, which the score, dashboard, home and landing pages draw with: every chart comes with its sentence and
its numbers as a table, bars keep the caller's order, and dates are a time axis (issue 14)."""
from streamlit.testing.v1 import AppTest

from tests.support.charts import charts


def draw_charts():
    from datetime import date

    import pandas as pd
    import streamlit as st

    from ui.charts import bar_chart, line_chart

    st.session_state["lang"] = "zh"
    bar_chart(pd.DataFrame({"行为": ["步行", "乘地铁出行"], "No. of kg": [2.5, 0.5]}), x="行为", y="No. of kg",
              summary="步行最多。", horizontal=True)
    line_chart(pd.DataFrame({"日期": [date(2026, 12, 10), date(2026, 12, 9)], "分": [530, 520]}), x="日期", y="分",
               summary="分数上升。")


def test_each_chart_has_its_sentence_and_table_in_the_readers_language():
    app = AppTest.from_function(draw_charts, default_timeout=60).run()
    assert not app.exception
    assert [caption.value for caption in app.caption] == ["步行最多。", "分数上升。"]
    assert [expander.label for expander in app.expander] == ["以表格查看数据"] * 2
    assert app.table[0].value.iloc[:, 0].tolist() == ["步行", "乘地铁出行"]  # the caller's order, not A to Z
    assert app.table[1].value.iloc[:, 0].tolist() == ["2026年12月9日", "2026年12月10日"]  # in date order, as read


def test_bars_keep_their_order_and_dates_are_a_time_axis():
    (bars, _), (line, _) = charts(AppTest.from_function(draw_charts, default_timeout=60).run())
    assert bars["encoding"]["y"]["sort"] is None and bars["encoding"]["x"]["field"] == "No\\. of kg"
    assert line["encoding"]["x"]["type"] == "temporal" and line["encoding"]["x"]["axis"]["format"] == "%-m月%-d日"
