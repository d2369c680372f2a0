// quyhoach: the little script the pages need (no inline scripts: the Content-Security-Policy
// allows only files served from here).
(function () {
  "use strict";
  // Every htmx request carries the CSRF token of the page.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.getAttribute("content"); }
  });
  // A refusal (403, 404, 422…) of an htmx request comes with its message in Vietnamese
  // (web/errors.py marks it X-Refusal and targets #flash-area): show it there, whatever the
  // request was going to replace, instead of nothing happening on screen.
  function flashArea() { return document.getElementById("flash-area"); }
  function showFailure(text) {
    var area = flashArea();
    if (!area) { return; }
    var div = document.createElement("div");
    div.className = "flash flash-error"; div.setAttribute("role", "alert"); div.textContent = text;
    area.replaceChildren(div);
    area.scrollIntoView({block: "nearest"});
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("X-Refusal") && flashArea()) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = flashArea();
      event.detail.swapOverride = "innerHTML";
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === flashArea()) { flashArea().scrollIntoView({block: "nearest"}); }
  });
  // A failure without a message of its own (a proxy's 502, a crash) or no answer at all.
  document.addEventListener("htmx:responseError", function () {
    var area = flashArea();
    if (area) { showFailure(area.getAttribute("data-failed")); }
  });
  document.addEventListener("htmx:sendError", function () {
    var area = flashArea();
    if (area) { showFailure(area.getAttribute("data-offline")); }
  });
  // Print buttons.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();
// Plain (non-htmx) POST forms get the CSRF token too, so every form in the app is covered.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if ((form.method || "").toLowerCase() !== "post" || form.querySelector('input[name="csrf_token"]')) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) { return; }
  var input = document.createElement("input");
  input.type = "hidden"; input.name = "csrf_token"; input.value = meta.getAttribute("content");
  form.appendChild(input);
}, true);
// A check that can be stopped (imports): its «Dừng» button shows while the form is sent.
document.addEventListener("submit", function (event) {
  if (!event.target.hasAttribute("data-stoppable")) { return; }
  event.target.querySelectorAll("[data-stop]").forEach(function (el) { el.hidden = false; });
});
// A group of checkboxes ("all communes") ticked or cleared at once; the count of units chosen.
document.addEventListener("change", function (event) {
  var box = event.target;
  var tree = box.closest && box.closest(".unit-tree");
  if (!tree) { return; }
  var group = box.getAttribute("data-check-group");
  if (group) {
    tree.querySelectorAll('input[data-group="' + group + '"]').forEach(function (item) { item.checked = box.checked; });
  }
  var count = tree.querySelector("#unit-count");
  if (count) {
    var n = tree.querySelectorAll('input[type="checkbox"][name]:checked').length;
    count.textContent = count.textContent.replace(/\d+/, String(n));
  }
});
// A scenario's settings changed and not saved: solving asks first (the solve reads the saved
// settings). Saving replaces the form, which clears the mark.
document.addEventListener("input", function (event) {
  var form = event.target.closest && event.target.closest("#settings form");
  if (form) { form.setAttribute("data-dirty", "1"); }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-solve]");
  if (!button || !document.querySelector("#settings form[data-dirty]")) { return; }
  if (!window.confirm(button.getAttribute("data-unsaved"))) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
// The comparison of solved runs keeps the order in which the user ticked them: each ticked box
// shows its place, and the form sends the runs in that order (the columns follow the URL).
(function () {
  var picked = [];
  function boxes() { return document.querySelectorAll('input[type="checkbox"][form="compare-form"]'); }
  function showOrder() {
    boxes().forEach(function (box) {
      var mark = box.parentNode.querySelector(".compare-rank");
      var at = picked.indexOf(box.value);
      if (at < 0 || !box.checked) { if (mark) { mark.remove(); } return; }
      if (!mark) {
        mark = document.createElement("span");
        mark.className = "compare-rank badge";
        box.parentNode.appendChild(mark);
      }
      mark.textContent = String(at + 1);
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[type="checkbox"][form="compare-form"]')) { return; }
    picked = picked.filter(function (value) { return value !== box.value; });
    if (box.checked) { picked.push(box.value); }
    showOrder();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "compare-form") { return; }
    var name = null, ticked = [];
    boxes().forEach(function (box) { if (box.checked) { ticked.push(box.value); name = box.name; } });
    if (!name) { return; }
    // ticked in click order first; any ticked before this script saw them (restored by the browser) after
    var order = picked.filter(function (value) { return ticked.indexOf(value) >= 0; });
    ticked.forEach(function (value) { if (order.indexOf(value) < 0) { order.push(value); } });
    var query = order.map(function (value) { return encodeURIComponent(name) + "=" + encodeURIComponent(value); }).join("&");
    event.preventDefault();
    window.location.assign(form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + query);
  });
})();
