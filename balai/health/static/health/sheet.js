// Session sheet: keyboard-only entry. After a row is saved, focus moves to the next child's
// first field; after a refusal or a value to confirm, focus stays on that row.
// htmx:load fires for the new row element that replaced the old one (outerHTML swap).
document.addEventListener("htmx:load", function (event) {
  var row = event.detail.elt;
  if (!row || !row.classList || !row.classList.contains("sheet-row")) return;
  if (row.dataset.saved === "1") {
    var next = row.nextElementSibling;
    while (next && !(next.classList && next.classList.contains("sheet-row"))) next = next.nextElementSibling;
    var field = next && next.querySelector("input.first");
    if (field) { field.focus(); field.select(); }
    return;
  }
  var target = row.querySelector(".confirm-box") || row.querySelector(".has-error input, .has-error select");
  if (target) target.focus();
});
