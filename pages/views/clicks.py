"""A click on a chart's point selects it, at the first click or tap.

plotly.js selects a clicked point from the hover data of the last mouse move (none after
a tap, nor on a chart drawn under a still mouse), then fires plotly_click with the point
under the pointer, which Streamlit ignores for a scatter: a first tap, and at times a
first click, selected nothing (plotly.js#6898). So the click's points go on as a
selection; Streamlit sends a value once, when plotly's own selection was right. Plain
values only: Streamlit copies each point deeply, and a point's axis object refers back to
the chart.
"""

from __future__ import annotations

import json

import streamlit as st

# One timer per browser tab hooks every chart named so far, as Streamlit mounts it (a
# chart is a new element whenever its figure changes). Hidden: its box adds a gap.
SCRIPT = """<style>
[data-testid="stElementContainer"]:has(.fashion-cnn-clicks) { display: none; }
</style>
<script class="fashion-cnn-clicks">
(() => {
  const wanted = (window.fashionCnnClickSelects ??= {});
  wanted[SELECTOR] = TRACE;
  if (window.fashionCnnClickTimer) return;
  const plain = (point) => Object.fromEntries(
    Object.entries(point).filter(([, value]) => value === null || typeof value !== "object"));
  window.fashionCnnClickTimer = setInterval(() => {
    for (const [selector, trace] of Object.entries(wanted)) {
      for (const plot of document.querySelectorAll(selector)) {
        if (plot.fashionCnnClicks || !plot.on) continue;
        plot.fashionCnnClicks = true;
        plot.on("plotly_click", (event) => {
          const points = event.points
            .filter((p) => trace === null || p.curveNumber === trace)
            .map(plain);
          if (points.length) plot.emit("plotly_selected", { points });
        });
      }
    }
  }, 50);
})();
</script>"""


def clicks_select(keys: list[str], trace: int | None = None) -> None:
    """A click on the charts of these widget `keys` selects its points (of `trace` only,
    where the others are decoration)."""
    selector = ", ".join(f".st-key-{key} .js-plotly-plot" for key in keys)
    script = SCRIPT.replace("SELECTOR", json.dumps(selector)).replace("TRACE", json.dumps(trace))
    st.html(script, unsafe_allow_javascript=True, width="content")
