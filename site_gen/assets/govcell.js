/* govcell table filters. A filter bar (form.gc-filter[data-table]) names a table;
   each of its controls has a name, and a row is shown when, for every control with
   a value, the row's data-<name> attribute (space-separated words) holds that value
   (the control named "text" matches the row's text instead). Rows of class gc-group
   (a story or requirement heading) stay visible while a row of their group does.
   The filter lives in the page's query string (?state=failing&kernel=yes), so a
   filtered view is a link that can be shared. Local script, no network. */
(function () {
  "use strict";
  function controls(bar) { return bar.querySelectorAll("select[name], input[name]"); }
  function apply(bar, writeUrl) {
    var table = document.getElementById(bar.getAttribute("data-table"));
    if (!table || !table.tBodies[0]) { return; }
    var wanted = [];
    var text = "";
    var ctl = controls(bar);
    for (var i = 0; i < ctl.length; i++) {
      var v = ctl[i].value.trim();
      if (!v) { continue; }
      if (ctl[i].name === "text") { text = v.toLowerCase(); } else { wanted.push([ctl[i].name, v]); }
    }
    var rows = table.tBodies[0].rows;
    var shown = 0, total = 0, groups = {};
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      if (row.classList.contains("gc-group")) { continue; }
      total++;
      var ok = !text || row.textContent.toLowerCase().indexOf(text) !== -1;
      for (var w = 0; ok && w < wanted.length; w++) {
        var have = (row.getAttribute("data-" + wanted[w][0]) || "").split(" ");
        ok = have.indexOf(wanted[w][1]) !== -1;
      }
      row.hidden = !ok;
      if (ok) {
        shown++;
        var keys = (row.getAttribute("data-groups") || "").split(" ");
        for (var k = 0; k < keys.length; k++) { groups[keys[k]] = true; }
      }
    }
    for (var g = 0; g < rows.length; g++) {
      if (rows[g].classList.contains("gc-group")) { rows[g].hidden = !groups[rows[g].getAttribute("data-group")]; }
    }
    var count = bar.querySelector(".gc-filter-count");
    if (count) { count.textContent = shown + " of " + total + " shown"; }
    table.setAttribute("data-shown", String(shown));
    if (writeUrl && window.history && window.history.replaceState) {
      var params = new URLSearchParams(window.location.search);
      for (var c = 0; c < ctl.length; c++) {
        if (ctl[c].value.trim()) { params.set(ctl[c].name, ctl[c].value.trim()); } else { params.delete(ctl[c].name); }
      }
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  }
  function init() {
    // the theme's search dialog has no accessible name of its own
    var dialogs = document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])');
    for (var d = 0; d < dialogs.length; d++) { dialogs[d].setAttribute("aria-label", "Search"); }
    var bars = document.querySelectorAll("form.gc-filter");
    var params = new URLSearchParams(window.location.search);
    for (var i = 0; i < bars.length; i++) {
      (function (bar) {
        if (bar.getAttribute("data-ready")) { return; }
        bar.setAttribute("data-ready", "1");
        bar.addEventListener("submit", function (e) { e.preventDefault(); });
        var ctl = controls(bar);
        for (var j = 0; j < ctl.length; j++) {
          var from = params.get(ctl[j].name);
          if (from !== null) {
            if (ctl[j].tagName === "SELECT" && !ctl[j].querySelector('option[value="' + CSS.escape(from) + '"]')) {
              var opt = document.createElement("option");
              opt.value = from;
              opt.textContent = from;
              ctl[j].appendChild(opt);
            }
            ctl[j].value = from;
          }
          ctl[j].addEventListener("input", function () { apply(bar, true); });
          ctl[j].addEventListener("change", function () { apply(bar, true); });
        }
        var reset = bar.querySelector(".gc-filter-reset");
        if (reset) {
          reset.addEventListener("click", function () {
            for (var k = 0; k < ctl.length; k++) { ctl[k].value = ""; }
            apply(bar, true);
          });
        }
        apply(bar, false);
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
