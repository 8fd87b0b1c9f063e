// Forms the way an Indonesian office writes them, whatever the browser's language:
// - every date field shows and accepts dd-mm-yyyy (17-08-2026; 17/8/2026 and 2026-08-17 too),
//   while the server keeps receiving ISO dates from a hidden field of the same name;
// - the browser's own (often English) validation messages are replaced by Indonesian ones.
(function () {
  "use strict";
  const pad = (n) => String(n).padStart(2, "0");
  const toShown = (iso) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? `${m[3]}-${m[2]}-${m[1]}` : "";
  };
  const toIso = (text) => {
    text = (text || "").trim();
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    let y, mo, d;
    if (m) { [y, mo, d] = [m[1], m[2], m[3]]; }
    else {
      m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
      if (!m) return null;
      [d, mo, y] = [m[1], m[2], m[3]];
    }
    const day = new Date(Date.UTC(+y, +mo - 1, +d));
    if (day.getUTCFullYear() !== +y || day.getUTCMonth() !== +mo - 1 || day.getUTCDate() !== +d) return null;
    return `${y}-${pad(mo)}-${pad(d)}`;
  };

  function enhanceDate(input) {
    if (input.dataset.balaiDate) return;
    const shown = document.createElement("input");
    shown.type = "text";
    shown.inputMode = "numeric";
    shown.autocomplete = "off";
    shown.placeholder = "hh-bb-tttt";
    shown.id = input.id;
    shown.className = input.className;
    shown.required = input.required;
    shown.disabled = input.disabled;
    for (const attr of ["aria-describedby", "aria-invalid", "autofocus"]) {
      if (input.hasAttribute(attr)) shown.setAttribute(attr, input.getAttribute(attr));
    }
    shown.value = toShown(input.value);
    shown.dataset.min = input.min || "";
    shown.dataset.max = input.max || "";
    input.removeAttribute("id");
    input.type = "hidden";
    input.dataset.balaiDate = "1";
    input.after(shown);
    const sync = () => {
      const text = shown.value.trim();
      const iso = text ? toIso(text) : "";
      let message = "";
      if (iso === null) message = "Tulis tanggal sebagai hh-bb-tttt, misalnya 17-08-2026.";
      else if (iso && shown.dataset.min && iso < shown.dataset.min) message = `Tanggal paling awal ${toShown(shown.dataset.min)}.`;
      else if (iso && shown.dataset.max && iso > shown.dataset.max) message = `Tanggal paling akhir ${toShown(shown.dataset.max)}.`;
      shown.setCustomValidity(message);
      // The visible field's own "change" still bubbles to the form (htmx filters) after this.
      input.value = iso || "";
    };
    shown.addEventListener("input", sync);
    shown.addEventListener("change", sync);
  }

  const MESSAGES = [
    ["valueMissing", (el) => (el.type === "checkbox" ? "Centang kotak ini untuk melanjutkan." : el.tagName === "SELECT" ? "Pilih salah satu." : "Kolom ini wajib diisi.")],
    ["typeMismatch", (el) => (el.type === "email" ? "Tulis alamat surel yang benar, misalnya nama@desa.id." : "Isian tidak sesuai bentuknya.")],
    ["patternMismatch", (el) => el.title || "Isian tidak sesuai bentuk yang diminta."],
    ["tooShort", (el) => `Paling sedikit ${el.minLength} karakter.`],
    ["tooLong", (el) => `Paling banyak ${el.maxLength} karakter.`],
    ["rangeUnderflow", (el) => `Paling kecil ${el.min}.`],
    ["rangeOverflow", (el) => `Paling besar ${el.max}.`],
    ["stepMismatch", () => "Angka tidak sesuai kelipatannya."],
    ["badInput", () => "Isian harus berupa angka."],
  ];
  document.addEventListener("invalid", (event) => {
    const el = event.target;
    if (!el.validity || el.validity.customError) return;
    for (const [state, text] of MESSAGES) {
      if (el.validity[state]) { el.setCustomValidity(text(el)); break; }
    }
  }, true);
  // A custom message sticks until cleared: clear it as soon as the user changes the field.
  document.addEventListener("input", (event) => {
    const el = event.target;
    if (el.setCustomValidity && !el.dataset.min && !el.dataset.balaiDate) el.setCustomValidity("");
  }, true);

  const enhance = (root) => root.querySelectorAll('input[type="date"]').forEach(enhanceDate);
  document.addEventListener("DOMContentLoaded", () => enhance(document));
  document.addEventListener("htmx:load", (event) => enhance(event.target));
})();
