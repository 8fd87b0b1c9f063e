/* Balai kiosk: idle timeout, on-screen keyboard, card reader input, submit-once forms that
   survive a lost connection, and printing. No hover-only behaviour; everything works by touch. */
(function () {
  "use strict";

  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var homeUrl = body.getAttribute("data-home-url") || "/anjungan/";
  var signedIn = body.getAttribute("data-signed-in") === "1";
  var WARN_SECONDS = 10;

  // Pages opened from the back/forward cache must be fetched again: after sign-out the
  // server answers with the sign-in page instead of the resident's data.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { window.location.reload(); }
  });

  /* ---- Idle timer ---------------------------------------------------------------------- */
  var lastActivity = Date.now();
  var warning = document.getElementById("k-idle-warning");
  var countEl = document.getElementById("k-idle-count");
  var noIdle = !!document.querySelector("[data-no-idle]");
  var timedOut = false;

  function activity() {
    lastActivity = Date.now();
    if (warning && !warning.hidden) { warning.hidden = true; }
  }
  ["pointerdown", "keydown", "touchstart", "input", "wheel"].forEach(function (ev) {
    document.addEventListener(ev, activity, { passive: true, capture: true });
  });

  function endSession() {
    if (timedOut) { return; }
    timedOut = true;
    // The next resident starts with the default guidance (large text, voice off).
    try { window.sessionStorage.clear(); } catch (err) { /* private mode */ }
    var form = document.getElementById("k-signout");
    if (signedIn && form) {
      var flag = document.createElement("input");
      flag.type = "hidden"; flag.name = "idle"; flag.value = "1";
      form.appendChild(flag);
      form.submit();
    } else {
      window.location.replace(homeUrl);
    }
  }

  function tick() {
    if (noIdle) { return; }
    var idle = (Date.now() - lastActivity) / 1000;
    var atHome = window.location.pathname === homeUrl;
    if (atHome && !signedIn) { lastActivity = Date.now(); return; }
    var left = Math.ceil(idleSeconds - idle);
    if (left <= 0) { endSession(); return; }
    if (warning && left <= WARN_SECONDS) {
      warning.hidden = false;
      if (countEl) { countEl.textContent = String(left); }
    }
  }
  window.setInterval(tick, 500);
  // For browser tests and diagnostics: the configured timeout.
  window.balaiKiosk = { idleSeconds: idleSeconds, endSession: endSession };

  /* ---- On-screen keyboard -------------------------------------------------------------- */
  var keyboard = document.getElementById("k-keyboard");
  var target = null;
  var LAYOUTS = {
    numeric: [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["⌫", "0", "OK"]],
    text: [
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
      ["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
      ["A", "S", "D", "F", "G", "H", "J", "K", "L", "-"],
      ["Z", "X", "C", "V", "B", "N", "M", ",", ".", "/"],
      ["⌫", "SPASI", "OK"]
    ]
  };
  var LABELS = { "⌫": "Hapus", "OK": "Selesai", "SPASI": "Spasi" };

  function buildKeyboard(kind) {
    keyboard.innerHTML = "";
    keyboard.className = "k-keyboard k-keyboard-" + kind;
    LAYOUTS[kind].forEach(function (row) {
      var r = document.createElement("div");
      r.className = "k-kb-row";
      row.forEach(function (key) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "k-kb-key" + (key.length > 1 ? " k-kb-wide" : "");
        b.textContent = key === "SPASI" ? "␣ Spasi" : key;
        b.setAttribute("aria-label", LABELS[key] || key);
        b.setAttribute("data-key", key);
        r.appendChild(b);
      });
      keyboard.appendChild(r);
    });
  }

  function press(key) {
    if (!target) { return; }
    var v = target.value;
    var max = parseInt(target.getAttribute("maxlength"), 10) || 10000;
    if (key === "⌫") { target.value = v.slice(0, -1); }
    else if (key === "OK") { hideKeyboard(); focusNext(target); return; }
    else if (key === "SPASI") { if (v.length < max) { target.value = v + " "; } }
    else if (v.length < max) { target.value = v + key; }
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function focusNext(el) {
    var form = el.form;
    if (!form) { return; }
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-keyboard]"));
    var i = fields.indexOf(el);
    if (i >= 0 && i + 1 < fields.length) { fields[i + 1].focus(); }
    else {
      var submit = form.querySelector("button[type=submit]");
      if (submit) { submit.focus(); }
    }
  }

  function showKeyboard(el) {
    target = el;
    buildKeyboard(el.getAttribute("data-keyboard") === "text" ? "text" : "numeric");
    keyboard.hidden = false;
    keyboard.setAttribute("aria-hidden", "false");
    body.classList.add("k-kb-open");
  }
  function hideKeyboard() {
    if (!keyboard) { return; }
    keyboard.hidden = true;
    keyboard.setAttribute("aria-hidden", "true");
    body.classList.remove("k-kb-open");
  }

  if (keyboard) {
    // pointerdown + preventDefault: the input keeps focus while keys are tapped.
    keyboard.addEventListener("pointerdown", function (e) {
      var key = e.target.closest("[data-key]");
      e.preventDefault();
      if (key) { press(key.getAttribute("data-key")); }
    });
    document.addEventListener("focusin", function (e) {
      var el = e.target;
      if (el.matches && el.matches("[data-keyboard]")) { showKeyboard(el); }
    });
    // A field focused before this script ran (autofocus) gets no focusin: a tap opens it too.
    document.addEventListener("click", function (e) {
      var el = e.target;
      if (el.matches && el.matches("[data-keyboard]") && (keyboard.hidden || target !== el)) { showKeyboard(el); }
    });
    if (document.activeElement && document.activeElement.matches && document.activeElement.matches("[data-keyboard]")) {
      showKeyboard(document.activeElement);
    }
    // A tap elsewhere closes the keyboard once the tap is done (on click, not pointerdown):
    // closing it moves the page, and a button tapped under a moving page would be missed.
    document.addEventListener("click", function (e) {
      if (keyboard.hidden) { return; }
      if (e.target.closest("#k-keyboard") || (e.target.matches && e.target.matches("[data-keyboard]"))) { return; }
      hideKeyboard();
    });
  }

  /* ---- Behaviour bound to page content (again after a partial update) -------------- */
  var offline = document.getElementById("k-offline");

  function bindCardReaders(root) {
    root.querySelectorAll("[data-card-reader]").forEach(function (el) {
      // USB keyboard wedge: the reader types the UID then Enter; Enter moves on to the PIN.
      el.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          e.preventDefault();
          if (el.value) {
            var pin = el.form && el.form.querySelector("[name=pin]");
            if (pin) { pin.focus(); }
          }
        }
      });
    });
  }

  function swapMain(html, url) {
    // Only the content changes: the frame (timers, keyboard, listeners) stays as it is.
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("k-main");
    var main = document.getElementById("k-main");
    if (!fresh || !main) { window.location.replace(url); return; }
    main.innerHTML = fresh.innerHTML;
    if (doc.title) { document.title = doc.title; }
    if (url && url !== window.location.href) { window.history.replaceState(null, "", url); }
    hideKeyboard();
    bind(main);
    var focus = main.querySelector("[autofocus]");
    if (focus) { focus.focus(); }
  }

  function bindForms(root) {
    // Submit once; on a lost connection keep the form filled (same one-time token) and say so.
    root.querySelectorAll("form[data-once]").forEach(function (form) {
      var busy = false;
      form.addEventListener("submit", function (e) {
        if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
        e.preventDefault();
        if (busy) { return; }
        busy = true;
        var buttons = form.querySelectorAll("button[type=submit]");
        buttons.forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
        if (offline) { offline.hidden = true; }
        fetch(form.getAttribute("action") || window.location.href, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          redirect: "follow",
          headers: { "X-Requested-With": "fetch" }
        }).then(function (response) {
          var ct = response.headers.get("Content-Type") || "";
          if (response.redirected || ct.indexOf("text/html") === -1) {
            window.location.replace(response.url);
            return null;
          }
          return response.text().then(function (html) { swapMain(html, response.url); });
        }).catch(function () {
          busy = false;
          buttons.forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
          var outbox = window.balaiOutbox;
          if (outbox && form.hasAttribute("data-outbox")) {
            // Kept on the device and sent when the link returns; the resident gets a ticket.
            outbox.setOnline(false);
            outbox.keep(form).then(function (code) {
              if (code) {
                form.reset();
                outbox.showTicket(code, form.getAttribute("data-outbox"));
              } else if (offline) { offline.hidden = false; }
            });
            return;
          }
          if (offline) { offline.hidden = false; }
        });
      });
    });
  }

  function bindPrinting(root) {
    root.querySelectorAll("[data-print-frame]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var frame = document.getElementById(btn.getAttribute("data-print-frame"));
        try {
          frame.contentWindow.focus();
          frame.contentWindow.print();
        } catch (err) {
          window.location.href = frame.src;
        }
      });
    });
    root.querySelectorAll("[data-print-page]").forEach(function (btn) {
      btn.addEventListener("click", function () { window.print(); });
    });
  }

  function bindWaits(root) {
    // A throttled or locked sign-in: the button counts down instead of inviting more tries.
    root.querySelectorAll("[data-wait]").forEach(function (btn) {
      var left = Math.min(parseInt(btn.getAttribute("data-wait"), 10) || 0, 3600);
      if (left <= 0) { return; }
      var label = btn.textContent;
      btn.disabled = true;
      var timer = window.setInterval(function () {
        left -= 1;
        btn.textContent = label + " (" + left + ")";
        if (left <= 0) { window.clearInterval(timer); btn.disabled = false; btn.textContent = label; }
      }, 1000);
    });
  }

  function bindFills(root) {
    // "Keperluan" buttons: one tap puts the common purpose in the field (still editable).
    root.querySelectorAll("[data-fill]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var field = document.getElementById(btn.getAttribute("data-fill"));
        if (!field) { return; }
        field.value = btn.getAttribute("data-value");
        field.dispatchEvent(new Event("input", { bubbles: true }));
        hideKeyboard();
      });
    });
  }

  function bind(root) {
    bindFills(root);
    bindCardReaders(root);
    bindForms(root);
    bindPrinting(root);
    bindWaits(root);
  }
  bind(document);
})();
