/* Calling display: htmx polls the feed every 2 s; a new call (or recall) is announced once,
   in Indonesian, with the browser's speech synthesis. Chromium in kiosk mode speaks without a
   tap when started with --autoplay-policy=no-user-gesture-required; otherwise tap "Aktifkan suara". */
(function () {
  "use strict";
  var feed = document.getElementById("desk-feed");
  // The call on screen when the page opens was announced already: do not repeat it.
  var lastCall = feed ? feed.getAttribute("data-call-id") : "";
  var soundButton = document.getElementById("desk-sound");
  var voice = null;

  function pickVoice() {
    if (!("speechSynthesis" in window)) { return; }
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().indexOf("id") === 0) { voice = voices[i]; return; }
    }
  }

  function utterance(text) {
    var u = new SpeechSynthesisUtterance(text);
    u.lang = "id-ID";
    if (voice) { u.voice = voice; }
    u.rate = 0.9;
    return u;
  }

  function speak(text) {
    if (!text || !("speechSynthesis" in window)) { return; }
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance(text));
    // Twice, as counters do, for whoever missed the first.
    window.speechSynthesis.speak(utterance(text));
  }

  if ("speechSynthesis" in window) {
    pickVoice();
    window.speechSynthesis.onvoiceschanged = pickVoice;
  }
  if (soundButton) {
    soundButton.addEventListener("click", function () {
      soundButton.hidden = true;
      var current = document.getElementById("desk-feed");
      speak(current ? current.getAttribute("data-speech") : "");
    });
  }

  document.body.addEventListener("htmx:afterSwap", function () {
    var current = document.getElementById("desk-feed");
    if (!current) { return; }
    var id = current.getAttribute("data-call-id");
    if (id && id !== lastCall) {
      lastCall = id;
      var number = document.getElementById("desk-now-number");
      if (number) { number.classList.remove("desk-flash"); void number.offsetWidth; number.classList.add("desk-flash"); }
      speak(current.getAttribute("data-speech"));
    }
  });

  var clock = document.getElementById("desk-clock");
  function tick() {
    // The village's time zone (WIB/WITA/WIT), whatever the TV's own clock setting.
    var zone = document.body.getAttribute("data-time-zone") || undefined;
    if (clock) { clock.textContent = new Date().toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: zone }); }
  }
  tick();
  setInterval(tick, 10000);
})();
