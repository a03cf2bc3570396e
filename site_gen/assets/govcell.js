/* govcell table filters: show the rows of a table whose data-status / data-tags /
   text match the controls above it. Local script; works with or without
   mkdocs-material's instant navigation. */
(function () {
  "use strict";
  function apply(bar) {
    var table = document.getElementById(bar.getAttribute("data-table"));
    if (!table) { return; }
    var st = bar.querySelector(".gc-filter-status");
    var tg = bar.querySelector(".gc-filter-tag");
    var tx = bar.querySelector(".gc-filter-text");
    var status = st ? st.value : "";
    var tag = tg ? tg.value : "";
    var text = tx ? tx.value.trim().toLowerCase() : "";
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var tags = (row.getAttribute("data-tags") || "").split(" ");
      var ok = (!status || row.getAttribute("data-status") === status) &&
               (!tag || tags.indexOf(tag) !== -1) &&
               (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !ok;
      if (ok) { shown++; }
    }
    var count = bar.querySelector(".gc-filter-count");
    if (count) { count.textContent = shown + " of " + rows.length + " shown"; }
  }
  function init() {
    var bars = document.querySelectorAll(".gc-filter");
    for (var i = 0; i < bars.length; i++) {
      (function (bar) {
        if (bar.getAttribute("data-ready")) { return; }
        bar.setAttribute("data-ready", "1");
        var controls = bar.querySelectorAll("select, input");
        for (var j = 0; j < controls.length; j++) {
          controls[j].addEventListener("input", function () { apply(bar); });
          controls[j].addEventListener("change", function () { apply(bar); });
        }
        apply(bar);
      })(bars[i]);
    }
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
