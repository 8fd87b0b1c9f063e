/* Balai kiosk outbox: a request made while the link to the server is down is kept on this
   device, encrypted (AES-GCM, with a key the browser made and will not export), and sent when
   the link returns. The resident gets a ticket with a code; nothing personal stays on screen.
   The server checks the signed grant each form carries and de-duplicates by the form's key
   (balai/devices/outbox.py, balai/kiosk/views_outbox.py). No inline script: CSP-friendly. */
(function () {
  "use strict";

  var DB_NAME = "balai-kiosk-outbox";
  var ITEMS = "items";
  var KEYS = "keys";
  var RETRY_MS = 10000;
  var body = document.body;
  var receiveUrl = body.getAttribute("data-outbox-url");
  var supported = !!(window.indexedDB && window.crypto && window.crypto.subtle && window.fetch && receiveUrl);
  var sending = false;

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      var open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore(ITEMS, { keyPath: "id" });
        open.result.createObjectStore(KEYS);
      };
      dbPromise = request(open);
    }
    return dbPromise;
  }

  function store(name, mode) {
    return db().then(function (d) { return d.transaction(name, mode).objectStore(name); });
  }

  function deviceKey() {
    return store(KEYS, "readonly").then(function (s) { return request(s.get("device")); }).then(function (key) {
      if (key) { return key; }
      return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (fresh) {
          return store(KEYS, "readwrite").then(function (s) { return request(s.put(fresh, "device")); })
            .then(function () { return fresh; });
        });
    });
  }

  function encrypt(obj) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var data = new TextEncoder().encode(JSON.stringify(obj));
    return deviceKey().then(function (key) {
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, data);
    }).then(function (ct) { return { iv: iv, ct: ct }; });
  }

  function decrypt(item) {
    return deviceKey().then(function (key) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv }, key, item.ct);
    }).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  function ticketCode(key) {
    var clean = (key || "").replace(/[^A-Za-z0-9]/g, "").toUpperCase().slice(0, 8);
    return clean.slice(0, 4) + "-" + clean.slice(4);
  }

  function all() {
    return store(ITEMS, "readonly").then(function (s) { return request(s.getAll()); });
  }

  function remove(id) {
    return store(ITEMS, "readwrite").then(function (s) { return request(s.delete(id)); });
  }

  function showPending() {
    var el = document.getElementById("k-outbox-status");
    if (!el) { return Promise.resolve(0); }
    return all().then(function (items) {
      el.hidden = items.length === 0;
      var n = el.querySelector("[data-outbox-count]");
      if (n) { n.textContent = String(items.length); }
      return items.length;
    });
  }

  /* Keep a form that could not be sent. Resolves to the ticket code, or null if it cannot. */
  function keep(form) {
    if (!supported) { return Promise.resolve(null); }
    var grantInput = form.querySelector("input[name=outbox_grant]");
    if (!grantInput) { return Promise.resolve(null); }
    var fields = {};
    var key = "";
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "outbox_grant" || typeof value !== "string") { return; }
      fields[name] = value;
      if (name === "token" || name === "submit_key") { key = value; }
    });
    var code = ticketCode(key);
    return encrypt({ grant: grantInput.value, fields: fields }).then(function (sealed) {
      return store(ITEMS, "readwrite").then(function (s) {
        return request(s.put({ id: code, iv: sealed.iv, ct: sealed.ct, at: Date.now() }));
      });
    }).then(function () { showPending(); return code; }, function () { return null; });
  }

  function sendOne(item) {
    return decrypt(item).then(function (payload) {
      return fetch(receiveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Requested-With": "fetch" },
        body: JSON.stringify(payload)
      }).then(function (response) {
        // Received (200) or refused for good (4xx): either way it leaves the outbox.
        if (response.ok || (response.status >= 400 && response.status < 500)) { return remove(item.id); }
        return null; // the server is there but failing: try again later
      });
    }, function () {
      // Could not decrypt: changed on the device. Dropped, never sent.
      return remove(item.id);
    });
  }

  function flush() {
    if (!supported || sending || navigator.onLine === false) { return Promise.resolve(); }
    sending = true;
    return all().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () { return sendOne(item); });
      }, Promise.resolve());
    }).catch(function () { /* still offline: next round */ }).then(function () {
      sending = false;
      return showPending();
    });
  }

  function showTicket(code, label) {
    var dialog = document.getElementById("k-outbox-ticket");
    if (!dialog) { return; }
    dialog.querySelector("[data-ticket-code]").textContent = code;
    dialog.querySelector("[data-ticket-label]").textContent = label || "";
    dialog.querySelector("[data-ticket-time]").textContent = new Date().toLocaleString("id-ID");
    dialog.hidden = false;
    var close = dialog.querySelector("[data-ticket-close]");
    if (close) { close.focus(); }
  }

  function setOnline(on) {
    body.classList.toggle("k-is-offline", !on);
    var banner = document.getElementById("k-offline-state");
    if (banner) { banner.hidden = on; }
  }

  if (supported) {
    window.addEventListener("online", function () { setOnline(true); flush(); });
    window.addEventListener("offline", function () { setOnline(false); });
    window.setInterval(flush, RETRY_MS);
    setOnline(navigator.onLine !== false);
    flush();
  }

  document.addEventListener("click", function (e) {
    var close = e.target.closest && e.target.closest("[data-ticket-close]");
    if (!close) { return; }
    var dialog = document.getElementById("k-outbox-ticket");
    dialog.hidden = true;
    // Nothing of the resident's stays on screen: home (the session ends at the idle timer
    // or when they sign out; the outbox holds only the sealed request).
    var signout = document.getElementById("k-signout");
    if (signout) { signout.submit(); } else { window.location.replace(body.getAttribute("data-home-url") || "/anjungan/"); }
  });

  window.balaiOutbox = {
    supported: supported,
    keep: keep,
    flush: flush,
    count: function () { return supported ? all().then(function (i) { return i.length; }) : Promise.resolve(0); },
    showTicket: showTicket,
    setOnline: setOnline
  };
})();
