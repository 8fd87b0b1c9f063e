// Regency pages: filter the long village list while typing, and the print button.
// A static file because the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const filter = document.getElementById("village-filter");
  if (filter) {
    filter.addEventListener("input", () => {
      const q = filter.value.toLowerCase();
      for (const el of document.querySelectorAll("#id_codes div, #id_codes li")) {
        el.hidden = !el.textContent.toLowerCase().includes(q);
      }
    });
  }
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
