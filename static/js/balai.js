// Small behaviours shared by staff pages, bound by data attributes instead of inline handlers
// (the Content-Security-Policy runs script from our static files only, never onclick=/onchange=).
// Delegated from the document, so rows swapped in by htmx work too.
document.addEventListener("change", function (event) {
  var field = event.target.closest && event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.requestSubmit();
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) { event.preventDefault(); window.print(); }
});
