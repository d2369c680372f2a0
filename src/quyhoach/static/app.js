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
// A check that can be stopped (imports): its «Dừng» button shows while the form is sent.
document.addEventListener("submit", function (event) {
  if (!event.target.hasAttribute("data-stoppable")) { return; }
  event.target.querySelectorAll("[data-stop]").forEach(function (el) { el.hidden = false; });
});
