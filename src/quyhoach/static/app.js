// quyhoach: the little script the pages need (no inline scripts: the Content-Security-Policy
// allows only files served from here).
(function () {
  "use strict";
  // Every htmx request carries the CSRF token of the page.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.getAttribute("content"); }
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
