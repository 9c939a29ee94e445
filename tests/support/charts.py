"""The charts of an AppTest run: AppTest knows an Altair chart only as its Vega-Lite proto, nested in columns and
expanders, so tests read the spec and the rows it draws from there."""
import json

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def charts(app) -> list[tuple[dict, pd.DataFrame]]:
    """(Vega-Lite spec, the first dataset's rows) for every chart on the page, in page order."""
    return [(json.loads(node.proto.spec), convert_arrow_bytes_to_pandas_df(node.proto.datasets[0].data.data))
            for node in _walk(app.main) if type(node.proto).__name__ == "VegaLiteChart"]
