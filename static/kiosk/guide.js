/* Balai kiosk guidance for first-time users: a 3-step tour, large text, a spoken guide in
   Bahasa Indonesia. The voice is the browser's speech synthesis with an Indonesian voice:
   on the kiosk PC that is espeak-ng through speech-dispatcher, offline (docs/kiosk.md).
   Choices last for this resident's visit only (sessionStorage, cleared when the session
   ends). No inline script: CSP-friendly. */
(function () {
  "use strict";

  var body = document.body;
  var store = window.sessionStorage;
  var LARGE = "balai.kiosk.large";
  var VOICE = "balai.kiosk.voice";

  function get(key) { try { return store.getItem(key) === "1"; } catch (e) { return false; } }
  function set(key, on) { try { if (on) { store.setItem(key, "1"); } else { store.removeItem(key); } } catch (e) { /* private mode */ } }

  /* ---- Large text --------------------------------------------------------------------- */
  var largeBtn = document.getElementById("k-large-toggle");
  function applyLarge(on) {
    body.classList.toggle("k-large", on);
    if (largeBtn) { largeBtn.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  applyLarge(get(LARGE));

  /* ---- Spoken guide ------------------------------------------------------------------- */
  var voiceBtn = document.getElementById("k-voice-toggle");
  var synth = window.speechSynthesis;
  function indonesianVoice() {
    if (!synth) { return null; }
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().indexOf("id") === 0) { return voices[i]; }
    }
    return null;
  }
  function pageText() {
    var tour = document.getElementById("k-tour");
    if (tour && !tour.hidden) {
      var step = tour.querySelector("[data-tour-step]:not([hidden])");
      if (step) { return step.getAttribute("data-speak") || step.textContent; }
    }
    var el = document.querySelector("#k-main [data-speak]");
    if (el) { return el.getAttribute("data-speak"); }
    var h1 = document.querySelector("#k-main h1");
    return h1 ? h1.textContent : "";
  }
  function speak(text) {
    body.setAttribute("data-last-spoken", text || "");
    if (!synth || !text || !get(VOICE)) { return; }
    synth.cancel();
    var u = new SpeechSynthesisUtterance(text.replace(/\s+/g, " ").trim());
    u.lang = "id-ID";
    var v = indonesianVoice();
    if (v) { u.voice = v; }
    u.rate = 0.9;
    synth.speak(u);
  }
  function applyVoice(on) {
    if (voiceBtn) {
      voiceBtn.setAttribute("aria-pressed", on ? "true" : "false");
      voiceBtn.textContent = on ? voiceBtn.getAttribute("data-on-label") || "Suara: hidup" : "Suara";
    }
    if (!on && synth) { synth.cancel(); }
  }
  if (voiceBtn) { voiceBtn.setAttribute("data-on-label", "Suara: hidup"); }
  applyVoice(get(VOICE));

  /* ---- Tour --------------------------------------------------------------------------- */
  var tour = document.getElementById("k-tour");
  var stepIndex = 0;
  function steps() { return tour ? tour.querySelectorAll("[data-tour-step]") : []; }
  function showStep(i) {
    var all = steps();
    stepIndex = Math.max(0, Math.min(i, all.length - 1));
    all.forEach(function (s, n) { s.hidden = n !== stepIndex; });
    var count = document.getElementById("k-tour-count");
    if (count) { count.textContent = "Langkah " + (stepIndex + 1) + " dari " + all.length; }
    tour.querySelector("[data-tour-prev]").hidden = stepIndex === 0;
    tour.querySelector("[data-tour-next]").hidden = stepIndex === all.length - 1;
    tour.querySelector("[data-tour-done]").hidden = stepIndex !== all.length - 1;
    speak(pageText());
  }
  function openTour() { if (tour) { tour.hidden = false; showStep(0); } }
  function closeTour() { if (tour) { tour.hidden = true; } }

  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-guide],[data-tour-next],[data-tour-prev],[data-tour-done]") : null;
    if (!t) { return; }
    if (t.hasAttribute("data-tour-next")) { showStep(stepIndex + 1); return; }
    if (t.hasAttribute("data-tour-prev")) { showStep(stepIndex - 1); return; }
    if (t.hasAttribute("data-tour-done")) { closeTour(); return; }
    var what = t.getAttribute("data-guide");
    if (what === "tour") { openTour(); }
    else if (what === "large") { var on = !get(LARGE); set(LARGE, on); applyLarge(on); }
    else if (what === "voice") {
      var v = !get(VOICE); set(VOICE, v); applyVoice(v);
      if (v) { speak(pageText()); }
    }
  });

  // After the first sign-in (the first PIN replaced) the tour opens by itself, once.
  if (body.getAttribute("data-tour") === "1") { openTour(); }
  else { speak(pageText()); }
  if (synth && synth.onvoiceschanged !== undefined) { synth.onvoiceschanged = function () { indonesianVoice(); }; }

  window.balaiGuide = { openTour: openTour, speak: speak, pageText: pageText,
    reset: function () { set(LARGE, false); set(VOICE, false); } };
})();
