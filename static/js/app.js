/*
 * twitchlog in the browser: offline logging, the outbox badge, the service
 * worker's updates, and the small helpers of the log forms (stopwatch, body
 * map, quick durations). Every page works without it; this makes it quicker
 * and lets it work without a connection.
 */
(function () {
  "use strict";

  var body = document.body;
  var urls = { session: body.dataset.sessionUrl, sync: body.dataset.syncUrl };
  var TYPE_TO_FORM = { episodes: "episode", workouts: "workout", hydration: "hydration", checkins: "checkin" };
  var TIME_FIELD = { episodes: "started_at", workouts: "started_at", hydration: "taken_at", checkins: "date" };
  var REMEMBERED = ["kind", "body_region", "side"]; // an episode's last values, offered next time

  // --- Times --------------------------------------------------------------------

  function timeZone() {
    var zone = body.dataset.timezone || localStorage.getItem("twitchlog:timezone");
    return zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  if (body.dataset.timezone) localStorage.setItem("twitchlog:timezone", body.dataset.timezone);

  // Minutes east of UTC of `zone` at the instant `ms`.
  function offsetMinutes(ms, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(ms)).forEach(function (part) { parts[part.type] = part.value; });
    var asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    return Math.round((asUtc - ms) / 60000);
  }

  // "2026-11-21T07:30" on the athlete's clock -> an ISO instant the API accepts.
  function localToIso(value, zone) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!match) return value;
    var wall = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
    var guess = wall - offsetMinutes(wall, zone) * 60000;
    var exact = wall - offsetMinutes(guess, zone) * 60000; // right across a DST change
    return new Date(exact).toISOString();
  }

  // Now on the athlete's clock, as a datetime-local or date input wants it.
  function localNow(zone, dateOnly) {
    var now = Date.now();
    var shifted = new Date(now + offsetMinutes(now, zone) * 60000).toISOString();
    return dateOnly ? shifted.slice(0, 10) : shifted.slice(0, 16);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // --- Turning a log form into an API entry -------------------------------------

  function entryFromForm(form, type) {
    var entry = {};
    var zone = timeZone();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return;
      if (field.type === "checkbox" && field.name === "relief") {
        entry.relief = entry.relief || [];
        if (field.checked) entry.relief.push(field.value);
      } else if (field.type === "checkbox") {
        entry[field.name] = field.checked;
      } else if (field.type === "radio") {
        if (field.checked) entry[field.name] = field.value;
      } else if (field.type === "number") {
        if (field.value !== "") entry[field.name] = Number(field.value);
        else if (!field.required) entry[field.name] = null;
      } else if (field.type === "datetime-local") {
        if (field.value) entry[field.name] = localToIso(field.value, zone);
      } else if (field.tagName !== "BUTTON" && field.type !== "submit") {
        if (field.value !== "" || field.name === "notes") entry[field.name] = field.value;
      }
    });
    var when = TIME_FIELD[type];
    if (!entry[when]) {
      entry[when] = when === "date" ? localNow(zone, true) : new Date().toISOString();
    }
    return entry;
  }

  function rememberChoices(form) {
    REMEMBERED.forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]:checked, select[name=" + name + "]");
      if (field) localStorage.setItem("twitchlog:last:" + name, field.value);
    });
  }

  // --- The outbox -----------------------------------------------------------------

  function queue(form) {
    var type = form.dataset.offlineForm;
    var idField = form.querySelector("[name=id]");
    if (!idField.value) idField.value = newId();
    var entry = entryFromForm(form, type);
    // Queued again under its id, a refused entry being fixed replaces itself.
    return Outbox.add({ id: entry.id, type: type, body: entry }).then(function () {
      rememberChoices(form);
      stopFixing(form);
      idField.value = newId(); // the next entry is a new one
      var note = form.querySelector("[data-offline-note]") || document.querySelector("[data-offline-note]");
      announce(note, "Saved on this phone — will sync.");
      requestBackgroundSync();
      return refreshBadge();
    });
  }

  function announce(note, text) {
    if (!note) {
      note = document.createElement("p");
      note.className = "offline-note";
      note.setAttribute("role", "status");
      document.querySelector("main").prepend(note);
    }
    note.textContent = text;
    note.hidden = false;
  }

  function refreshBadge() {
    return Outbox.all().then(function (items) {
      var badge = document.querySelector("[data-outbox-badge]");
      if (badge) {
        badge.hidden = items.length === 0;
        badge.querySelector("[data-outbox-count]").textContent = String(items.length);
        Outbox.lastSync().then(function (when) {
          badge.title = when ? "Last synced " + new Date(when).toLocaleString() : "Not synced yet";
        });
      }
      return renderOutboxPage(items);
    });
  }

  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = Outbox.flush(urls).then(function (outcome) {
      flushing = null;
      showSyncOutcome(outcome);
      return refreshBadge().then(function () { return outcome; });
    }, function () { flushing = null; });
    return flushing;
  }

  function showSyncOutcome(outcome) {
    var summary = document.querySelector("[data-sync-outcome]");
    if (outcome.status === "login") {
      var link = document.querySelector("[data-login-needed]");
      if (!link) {
        link = document.createElement("a");
        link.setAttribute("data-login-needed", "");
        link.className = "login-needed";
        link.href = body.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname);
        link.textContent = "Log in again to send the entries waiting on this phone.";
        document.querySelector("main").prepend(link);
      }
    }
    if (summary) summary.textContent = outcome.status;
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("outbox");
    }).catch(function () { /* Safari: flushes happen on open and on return instead */ });
  }

  function stopFixing(form) {
    var id = form.dataset.fixing;
    delete form.dataset.fixing;
    sessionStorage.removeItem("twitchlog:fixing");
    return id;
  }

  function renderOutboxPage(items) {
    var page = document.querySelector("[data-outbox-page]");
    if (!page) return;
    var list = page.querySelector("[data-outbox-items]");
    var refused = items.filter(function (item) { return item.errors; });
    page.querySelector("[data-outbox-summary]").textContent = items.length === 0
      ? "Nothing is waiting."
      : items.length + " waiting on this phone" + (refused.length ? ", " + refused.length + " refused by the server." : ".");
    list.textContent = "";
    items.forEach(function (item) {
      var row = document.createElement("li");
      row.className = "outbox-item" + (item.errors ? " refused" : "");
      var title = document.createElement("strong");
      title.textContent = TYPE_TO_FORM[item.type] + ", " + (item.body[TIME_FIELD[item.type]] || "").replace("T", " ").slice(0, 16);
      row.appendChild(title);
      if (item.errors) {
        var errors = document.createElement("ul");
        errors.className = "errorlist";
        Object.keys(item.errors).forEach(function (field) {
          var line = document.createElement("li");
          line.textContent = field + ": " + [].concat(item.errors[field]).join(" ");
          errors.appendChild(line);
        });
        row.appendChild(errors);
        row.appendChild(button("Fix", function () {
          sessionStorage.setItem("twitchlog:fixing", item.id);
          location.href = "/log/" + TYPE_TO_FORM[item.type] + "/";
        }));
      }
      row.appendChild(button("Discard", function () {
        Outbox.discard(item.id).then(refreshBadge);
      }));
      list.appendChild(row);
    });
    Outbox.lastSync().then(function (when) {
      page.querySelector("[data-outbox-last-sync]").textContent = when
        ? "Last synced " + new Date(when).toLocaleString() + "."
        : "Not synced from this phone yet.";
    });
  }

  function button(label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button small";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  // Fill a log form from a refused outbox entry, keeping its id.
  function loadEntryToFix(form) {
    var id = sessionStorage.getItem("twitchlog:fixing");
    if (!id) return;
    Outbox.get(id).then(function (item) {
      if (!item || TYPE_TO_FORM[item.type] !== form.action.split("/log/")[1].replace(/\/.*/, "")) return;
      form.dataset.fixing = id;
      var zone = timeZone();
      Object.keys(item.body).forEach(function (name) {
        var value = item.body[name];
        var fields = form.querySelectorAll("[name=" + name + "]");
        Array.prototype.forEach.call(fields, function (field) {
          if (field.type === "checkbox" && name === "relief") field.checked = value.indexOf(field.value) >= 0;
          else if (field.type === "checkbox") field.checked = !!value;
          else if (field.type === "radio") field.checked = field.value === String(value);
          else if (field.type === "datetime-local" && value) field.value = isoToLocal(value, zone);
          else field.value = value === null ? "" : value;
        });
      });
    });
  }

  function isoToLocal(iso, zone) {
    var ms = Date.parse(iso);
    return new Date(ms + offsetMinutes(ms, zone) * 60000).toISOString().slice(0, 16);
  }

  // --- Forms ----------------------------------------------------------------------

  // When the last workout known on this phone ended, if any: "none" when the
  // server said there was none, absent when nothing is known here at all.
  function rememberLastWorkout(form, submitted) {
    if (form.dataset.lastWorkoutEnd) {
      localStorage.setItem("twitchlog:last-workout-end", form.dataset.lastWorkoutEnd);
    }
    if (submitted && form.dataset.offlineForm === "workouts") {
      var started = form.querySelector("[name=started_at]");
      var minutes = form.querySelector("[name=duration_min]");
      if (started && started.value && minutes && minutes.value) {
        var end = Date.parse(localToIso(started.value, timeZone())) + minutes.value * 60000;
        localStorage.setItem("twitchlog:last-workout-end", new Date(end).toISOString());
      }
    }
  }

  // The same guess the server makes (logbook/views.py timing_after).
  function guessTiming() {
    var known = localStorage.getItem("twitchlog:last-workout-end");
    if (known === null) return null;
    var ended = known === "none" ? NaN : Date.parse(known);
    var since = Date.now() - ended;
    if (isNaN(since) || since > 24 * 3600000) return "unrelated";
    return since <= 3600000 ? "right_after" : "hours_after";
  }

  function prepareShellForm(form) {
    // A form kept by the service worker: give it an id and "now" on this phone.
    var zone = timeZone();
    var timing = guessTiming();
    var choice = timing && form.querySelector("input[name=timing][value=" + timing + "]");
    if (choice) choice.checked = true;
    form.querySelector("[name=id]").value = newId();
    Array.prototype.forEach.call(form.querySelectorAll("input[type=datetime-local], input[type=date]"), function (field) {
      if (!field.value) field.value = localNow(zone, field.type === "date");
    });
    REMEMBERED.forEach(function (name) {
      var last = localStorage.getItem("twitchlog:last:" + name);
      if (!last) return;
      var select = form.querySelector("select[name=" + name + "]");
      if (select) select.value = last;
      var radio = form.querySelector("input[name=" + name + "][value='" + last + "']");
      if (radio) radio.checked = true;
    });
  }

  // A required field folded under "more" must unfold to be answered.
  document.addEventListener("invalid", function (event) {
    var details = event.target.closest && event.target.closest("details:not([open])");
    if (details) details.open = true;
  }, true);

  // Offline: keep the entry here instead of sending it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-logout]")) return logout(event, form);
    if (form.matches("[data-offline-form]")) rememberLastWorkout(form, true);
    if (!form.matches("[data-offline-form]") || navigator.onLine) {
      if (form.matches("[data-offline-form]")) rememberChoices(form);
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    queue(form);
  }, true);

  // Online, but the request never reached the server: keep it here too.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("[data-offline-form]");
    if (form) queue(form);
  });

  // A refused entry, fixed and now saved by the server, leaves the outbox.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("[data-offline-form]");
    var id = form && event.detail.successful && !event.detail.failed && stopFixing(form);
    if (id) Outbox.discard(id).then(refreshBadge);
  });

  function logout(event, form) {
    event.preventDefault();
    Outbox.all().then(function (items) {
      var waiting = items.length;
      if (waiting && !window.confirm(waiting + " entries are still waiting on this phone and will be lost. Log out anyway?")) {
        return;
      }
      Outbox.clear().then(function () { form.submit(); });
    });
  }

  // --- Episode form helpers -----------------------------------------------------------

  function setupStopwatch(root) {
    var display = root.querySelector("[data-stopwatch-display]");
    var toggle = root.querySelector("[data-stopwatch-toggle]");
    var duration = root.closest("form").querySelector("[name=duration_s]");
    var started = null;
    var timer = null;
    function render() {
      var seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
      display.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      if (duration) duration.value = seconds;
    }
    function start() {
      started = Date.now();
      timer = setInterval(render, 250);
      toggle.textContent = "Stop";
      toggle.setAttribute("aria-pressed", "true");
    }
    function stop() {
      clearInterval(timer);
      timer = null;
      render();
      toggle.textContent = "Start again";
      toggle.setAttribute("aria-pressed", "false");
    }
    toggle.addEventListener("click", function () { if (timer) stop(); else start(); });
    if (root.hasAttribute("data-autostart")) start();
  }

  function setupBodyMap(form) {
    var map = form.querySelector(".body-map");
    var select = form.querySelector("select[name=body_region]");
    if (!map || !select) return;
    function highlight() {
      var side = form.querySelector("input[name=side]:checked");
      Array.prototype.forEach.call(map.querySelectorAll(".region"), function (region) {
        var same = region.dataset.region === select.value &&
          (!side || region.dataset.side === side.value || region.dataset.side === "none");
        region.classList.toggle("selected", same);
        region.setAttribute("aria-pressed", same ? "true" : "false");
      });
    }
    function choose(region) {
      select.value = region.dataset.region;
      var side = form.querySelector("input[name=side][value=" + region.dataset.side + "]");
      if (side) side.checked = true;
      highlight();
    }
    map.addEventListener("click", function (event) {
      var region = event.target.closest(".region");
      if (region) choose(region);
    });
    map.addEventListener("keydown", function (event) {
      var region = event.target.closest(".region");
      if (region && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        choose(region);
      }
    });
    form.addEventListener("change", highlight);
    highlight();
  }

  function setupQuickValues(form) {
    form.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-set-duration], [data-set-volume]");
      if (!chip) return;
      var name = chip.hasAttribute("data-set-duration") ? "duration_s" : "volume_ml";
      form.querySelector("[name=" + name + "]").value = chip.dataset.setDuration || chip.dataset.setVolume;
    });
  }

  function setupForms(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-offline-form]"), function (form) {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      rememberLastWorkout(form, false);
      if (form.hasAttribute("data-shell")) prepareShellForm(form);
      var stopwatch = form.querySelector("[data-stopwatch]");
      if (stopwatch) setupStopwatch(stopwatch);
      setupBodyMap(form);
      setupQuickValues(form);
      if (form.classList.contains("entry-form")) loadEntryToFix(form);
    });
  }

  // htmx swaps a form with its errors: set up the new one.
  document.addEventListener("htmx:afterSettle", function (event) { setupForms(event.detail.elt.parentNode || document); });

  // --- The service worker -------------------------------------------------------------

  function setupServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var reloading = false;
    var banner = document.querySelector("[data-update-banner]");
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).then(function (registration) {
      function offer(worker) {
        if (!worker || !navigator.serviceWorker.controller) return; // the first install needs no reload
        banner.hidden = false;
        banner.querySelector("[data-update-reload]").onclick = function () {
          reloading = true;
          worker.postMessage("skip-waiting");
        };
      }
      if (registration.waiting) offer(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var worker = registration.installing;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed") offer(worker);
        });
      });
    });
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) location.reload();
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.outbox) refreshBadge();
    });
  }

  // --- Start ---------------------------------------------------------------------------

  setupForms(document);
  setupServiceWorker();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  refreshBadge().then(function () { if (navigator.onLine) flush(); });
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && navigator.onLine) flush();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sync-now]")) flush();
  });
})();
