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
