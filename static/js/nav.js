// The top menu's groups are <details>: open one and the others close; a click outside or
// Escape closes it. Without this script the menus still open and close by their summary.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.menu[open]").forEach((menu) => menu.removeAttribute("open"));
});
