/*
 * twitchlog in the browser: offline logging, the outbox badge, the service
 * worker's updates, dates in the browser's own locale, and the small helpers of
 * the log forms (stopwatch, body map, quick values). Every page works without
 * it; this makes it quicker and lets it work without a connection.
 *
 * What the kinds of entry are, how timing is guessed and what limits apply
 * come from the server (logbook/kinds.py, in #twitchlog-data), so a form filled
 * in offline is checked and completed exactly as the server would.
 */
(function () {
  "use strict";

  var body = document.body;
  var urls = { session: body.dataset.sessionUrl, sync: body.dataset.syncUrl };
  var data = JSON.parse(document.getElementById("twitchlog-data").textContent);
  var KINDS = data.kinds;

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

  function isoToLocal(iso, zone) {
    var ms = Date.parse(iso);
    return new Date(ms + offsetMinutes(ms, zone) * 60000).toISOString().slice(0, 16);
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

  // --- Dates and durations as this browser writes them ---------------------------

  // The styles of logbook/templatetags/when.py, in the browser's own locale.
  var WHEN_STYLES = {
    day: { weekday: "short", day: "numeric", month: "short" },
    date: { day: "numeric", month: "short", year: "numeric" },
    datetime: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
    time: { hour: "2-digit", minute: "2-digit" },
  };

  function formatWhen(element) {
    var style = WHEN_STYLES[element.dataset.when];
    var value = element.getAttribute("datetime");
    if (!style || !value) return;
    var options = Object.assign({}, style);
    var moment;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      moment = new Date(value + "T12:00:00Z"); // a calendar day, wherever the phone is
      options.timeZone = "UTC";
    } else {
      moment = new Date(value);
      options.timeZone = timeZone();
    }
    if (isNaN(moment)) return;
    if (element.dataset.when === "day" && moment.getUTCFullYear() !== new Date().getFullYear()) {
      options.year = "numeric";
    }
    try {
      element.textContent = new Intl.DateTimeFormat(undefined, options).format(moment);
    } catch (error) { /* an unknown zone: keep the server's words */ }
  }

  function formatDates(root) {
    Array.prototype.forEach.call(root.querySelectorAll("time[data-when]"), formatWhen);
  }

  // logbook/wording.py duration(), short form: "1 min 30 s", "15 min", "1 h 5 min".
  function formatDuration(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var parts = [];
    if (hours) parts.push(hours + " h");
    if (minutes) parts.push(minutes + " min");
    if (!hours && seconds % 60) parts.push((seconds % 60) + " s");
    return parts.join(" ") || "0 s";
  }

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    return minutes + ":" + String(seconds % 60).padStart(2, "0");
  }

  // --- A duration entered as minutes and seconds ---------------------------------------

  function durationBox(form) {
    var box = form.querySelector("[data-duration]");
    if (!box) return null;
    var parts = box.querySelectorAll("input");
    return {
      name: box.dataset.duration,
      parts: parts,
      get: function () {
        if (parts[0].value === "" && parts[1].value === "") return null;
        return Number(parts[0].value || 0) * 60 + Number(parts[1].value || 0);
      },
      set: function (seconds) {
        if (seconds === null) {
          parts[0].value = parts[1].value = "";
        } else {
          parts[0].value = Math.floor(seconds / 60);
          parts[1].value = seconds % 60;
        }
        this.check();
      },
      // The server's limits, checked here too, with its words.
      check: function () {
        var seconds = this.get();
        var message = "";
        if (seconds !== null && seconds < data.duration.low) message = data.duration.tooShort;
        if (seconds !== null && seconds > data.duration.high) message = data.duration.tooLong;
        parts[0].setCustomValidity(message);
      },
    };
  }

  function checkTime(field) {
    if (field.type !== "datetime-local" || !field.value) return;
    var instant = Date.parse(localToIso(field.value, timeZone()));
    var message = "";
    if (instant < Date.parse(data.times.earliest)) message = data.times.tooEarly;
    else if (instant > Date.now() + data.times.aheadMs) message = data.times.tooFarAhead;
    field.setCustomValidity(message);
  }

  // --- Turning a log form into an API entry -------------------------------------

  function entryFromForm(form, type) {
    var entry = {};
    var zone = timeZone();
    var radios = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return;
      if (field.hasAttribute("data-duration-part")) return;
      if (field.type === "checkbox" && field.name === "relief") {
        entry.relief = entry.relief || [];
        if (field.checked) entry.relief.push(field.value);
      } else if (field.type === "checkbox") {
        entry[field.name] = field.checked;
      } else if (field.type === "radio") {
        radios[field.name] = radios[field.name] || field.required;
        if (field.checked) entry[field.name] = field.closest(".scale") ? Number(field.value) : field.value;
      } else if (field.type === "number") {
        if (field.value !== "") entry[field.name] = Number(field.value);
        else if (!field.required) entry[field.name] = null;
      } else if (field.type === "datetime-local") {
        // An edit's time whose minute was not changed keeps its stored seconds.
        if (field.dataset.stored && field.value === field.defaultValue) entry[field.name] = field.dataset.stored;
        else if (field.value) entry[field.name] = localToIso(field.value, zone);
      } else if (field.tagName !== "BUTTON" && field.type !== "submit") {
        if (field.value !== "" || field.name === "notes") entry[field.name] = field.value;
      }
    });
    Object.keys(radios).forEach(function (name) {
      if (!(name in entry) && !radios[name]) entry[name] = null; // an optional scale left empty
    });
    var duration = durationBox(form);
    if (duration && duration.get() !== null) entry[duration.name] = duration.get();
    if (form.dataset.entryId) entry.id = form.dataset.entryId;
    var when = KINDS[type].timeField;
    if (!entry[when]) {
      entry[when] = when === "date" ? localNow(zone, true) : new Date().toISOString();
    }
    return entry;
  }

  // "Cramp, left calf, 15 min": what was saved, in the form's own words.
  function describe(form, type, entry) {
    function chosen(name) {
      var radio = form.querySelector("input[name=" + name + "]:checked");
      if (radio) return radio.closest("label").textContent.trim();
      var select = form.querySelector("select[name=" + name + "]");
      return select && select.value ? select.options[select.selectedIndex].text : "";
    }
    if (type === "episodes") {
      var side = entry.side === "left" || entry.side === "right" ? entry.side + " " : "";
      return [chosen("kind"), side + chosen("body_region").toLowerCase(), formatDuration(entry.duration_s)]
        .filter(Boolean).join(", ");
    }
    if (type === "workouts") return chosen("kind") + " workout, " + formatDuration(entry.duration_min * 60);
    if (type === "hydration") return entry.volume_ml + " ml " + (chosen("drink") || entry.drink || "").toLowerCase();
    return KINDS[type].title;
  }

  function rememberChoices(form) {
    data.remembered.forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]:checked, select[name=" + name + "]");
      if (field && field.value) localStorage.setItem("twitchlog:last:" + name, field.value);
    });
  }

  // --- The outbox -----------------------------------------------------------------

  function queue(form) {
    if (form.dataset.queueing) return Promise.resolve(); // a second tap while the first is kept
    form.dataset.queueing = "1";
    var type = form.dataset.offlineForm;
    var idField = form.querySelector("[name=id]");
    if (idField && !idField.value) idField.value = newId();
    var entry = entryFromForm(form, type);
    var what = describe(form, type, entry);
    // Queued again under its id, a refused entry being fixed replaces itself.
    return Outbox.add({ id: entry.id, type: type, body: entry }).then(function () {
      rememberChoices(form);
      rememberLastWorkout(form, entry);
      stopFixing(form);
      if (!form.hasAttribute("data-editing")) startAfresh(form);
      var note = form.querySelector("[data-offline-note]") || document.querySelector("[data-offline-note]");
      announce(note, "Saved on this phone: " + what + ". It will sync when you are back online.");
      requestBackgroundSync();
      return refreshBadge();
    }).finally(function () {
      delete form.dataset.queueing;
    });
  }

  // After an entry is kept, its form becomes a new entry: a new id, "now", the
  // remembered choices, and nothing else answered.
  function startAfresh(form) {
    if (form.hasAttribute("data-quick-water")) {
      form.querySelector("[name=id]").value = newId();
      return;
    }
    form.reset();
    Array.prototype.forEach.call(form.querySelectorAll("input[type=datetime-local], input[type=date]"), function (field) {
      field.value = "";
    });
    prepareNewEntry(form);
    var stopwatch = form.querySelector("[data-stopwatch]");
    if (stopwatch && stopwatch.stopwatch) stopwatch.stopwatch.reset();
    form.dispatchEvent(new Event("change"));
    window.scrollTo(0, 0);
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
      var when = item.body[KINDS[item.type].timeField] || "";
      var time = document.createElement("time");
      time.setAttribute("datetime", when);
      time.dataset.when = when.length > 10 ? "datetime" : "day";
      time.textContent = when;
      formatWhen(time);
      title.textContent = KINDS[item.type].title + ", ";
      title.appendChild(time);
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
          location.href = "/log/" + KINDS[item.type].slug + "/";
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
      if (!item || item.type !== form.dataset.offlineForm) return;
      form.dataset.fixing = id;
      var zone = timeZone();
      var duration = durationBox(form);
      Object.keys(item.body).forEach(function (name) {
        var value = item.body[name];
        if (duration && name === duration.name) return duration.set(value);
        var fields = form.querySelectorAll("[name=" + name + "]");
        Array.prototype.forEach.call(fields, function (field) {
          if (field.type === "checkbox" && name === "relief") field.checked = value.indexOf(field.value) >= 0;
          else if (field.type === "checkbox") field.checked = !!value;
          else if (field.type === "radio") field.checked = field.value === String(value);
          else if (field.type === "datetime-local" && value) field.value = isoToLocal(value, zone);
          else field.value = value === null ? "" : value;
        });
      });
      form.dispatchEvent(new Event("change"));
    });
  }

  // --- The timing guess, as the server makes it (logbook/kinds.py guess_timing) ---------

  // The last workout known on this phone, "start end" in ISO, or "none" when the
  // server said there was none; null when nothing is known here at all.
  function rememberLastWorkout(form, entry) {
    if (form.dataset.lastWorkout) {
      localStorage.setItem("twitchlog:last-workout", form.dataset.lastWorkout);
    }
    if (entry && form.dataset.offlineForm === "workouts" && entry.started_at && entry.duration_min) {
      var start = Date.parse(entry.started_at);
      var known = localStorage.getItem("twitchlog:last-workout");
      var knownStart = known && known !== "none" ? Date.parse(known.split(" ")[0]) : -Infinity;
      if (start >= knownStart && start <= Date.now()) {
        var end = new Date(start + entry.duration_min * 60000).toISOString();
        localStorage.setItem("twitchlog:last-workout", new Date(start).toISOString() + " " + end);
      }
    }
  }

  function guessTiming() {
    var known = localStorage.getItem("twitchlog:last-workout");
    if (!known || known === "none") return null;
    var parts = known.split(" ");
    var start = Date.parse(parts[0]);
    var end = Date.parse(parts[1]);
    var now = Date.now();
    if (start <= now && now <= end) return "during_exercise";
    var since = now - end;
    if (since >= 0 && since <= data.timing.rightAfterMs) return "right_after";
    if (since >= 0 && since <= data.timing.hoursAfterMs) return "hours_after";
    return null;
  }

  // A new entry on this phone: an id, "now", the remembered choices, and a timing
  // only when a logged workout says so. Nothing else is answered for the person.
  function prepareNewEntry(form) {
    var zone = timeZone();
    var idField = form.querySelector("[name=id]");
    if (idField) idField.value = newId();
    Array.prototype.forEach.call(form.querySelectorAll("input[type=datetime-local], input[type=date]"), function (field) {
      if (!field.value) field.value = localNow(zone, field.type === "date");
    });
    if (form.dataset.offlineForm !== "episodes") return;
    data.remembered.forEach(function (name) {
      var last = localStorage.getItem("twitchlog:last:" + name);
      if (!last) return;
      var select = form.querySelector("select[name=" + name + "]");
      if (select) select.value = last;
      var radio = form.querySelector("input[name=" + name + "][value='" + last + "']");
      if (radio) radio.checked = true;
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=timing]"), function (radio) {
      radio.checked = false;
    });
    var timing = guessTiming();
    var choice = timing && form.querySelector("input[name=timing][value=" + timing + "]");
    if (choice) choice.checked = true;
    var note = form.querySelector("[data-timing-guess]");
    if (note) {
      note.textContent = choice
        ? "Guessed from the last workout logged on this phone; change it if it is wrong."
        : "No workout logged in the last day: choose one.";
    }
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
    if (!form.matches("[data-offline-form]")) return;
    if (navigator.onLine) {
      rememberChoices(form);
      rememberLastWorkout(form, form.dataset.offlineForm === "workouts" ? entryFromForm(form, "workouts") : null);
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

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("[data-offline-form]");
    if (!form || !event.detail.successful || event.detail.failed) return;
    // A refused entry, fixed and now saved by the server, leaves the outbox.
    var id = stopFixing(form);
    if (id) Outbox.discard(id).then(refreshBadge);
    // The next tap on +250 ml is another drink.
    if (form.hasAttribute("data-quick-water")) form.querySelector("[name=id]").value = newId();
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

  /*
   * "Twitch now" starts the timer. While it runs and the person has not touched
   * the duration, it fills the duration in. Tapping a duration, typing one, or
   * pressing Stop stops it, and the chosen or stopped value stays.
   */
  function setupStopwatch(root, form) {
    var display = root.querySelector("[data-stopwatch-display]");
    var toggle = root.querySelector("[data-stopwatch-toggle]");
    var help = root.querySelector("[data-stopwatch-help]");
    var duration = durationBox(form);
    var started = null;
    var timer = null;

    function elapsed() { return Math.max(1, Math.round((Date.now() - started) / 1000)); }
    function tick() {
      display.textContent = clock(elapsed());
      if (duration) duration.set(elapsed());
    }
    function start() {
      started = Date.now();
      timer = setInterval(tick, 250);
      tick();
      toggle.textContent = "Stop";
      toggle.setAttribute("aria-pressed", "true");
    }
    // The person decided: the timer lets go of the duration. Only Stop keeps its reading.
    function stop(keepReading) {
      if (!timer) return;
      clearInterval(timer);
      timer = null;
      if (keepReading) tick();
      else display.textContent = clock(elapsed());
      toggle.textContent = "Start again";
      toggle.setAttribute("aria-pressed", "false");
      if (help && !keepReading) help.textContent = "Timer stopped: the duration is yours to choose.";
    }
    toggle.addEventListener("click", function () { if (timer) stop(true); else start(); });
    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-set-duration]")) stop(false);
    }, true);
    if (duration) {
      Array.prototype.forEach.call(duration.parts, function (part) {
        part.addEventListener("focus", function () {
          if (!timer) return;
          stop(false);
          duration.set(null); // typed, the whole duration is the person's
        });
        part.addEventListener("input", function () { stop(false); });
      });
    }
    root.stopwatch = {
      reset: function () {
        stop(false);
        display.textContent = "0:00";
        toggle.textContent = "Start timer";
      },
    };
    // "Twitch now": the server marks it, and offline (a cached form) the address says it.
    if (root.hasAttribute("data-autostart") || new URLSearchParams(location.search).has("now")) start();
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
    var duration = durationBox(form);
    form.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-set-duration], [data-set-volume]");
      if (!chip) return;
      if (chip.hasAttribute("data-set-duration") && duration) {
        duration.set(Number(chip.dataset.setDuration));
      } else {
        form.querySelector("[name=volume_ml]").value = chip.dataset.setVolume;
      }
    });
  }

  function setupChecks(form) {
    var duration = durationBox(form);
    form.addEventListener("input", function (event) {
      if (duration && event.target.hasAttribute("data-duration-part")) duration.check();
      checkTime(event.target);
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[type=datetime-local]"), checkTime);
    if (duration) duration.check();
  }

  function setupForms(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-offline-form]"), function (form) {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      if (form.hasAttribute("data-quick-water")) {
        var idField = form.querySelector("[name=id]");
        if (!idField.value) idField.value = newId(); // Today kept for offline use has none
        return;
      }
      var editing = /\/log\/[a-z]+\/([0-9a-f-]{36})\//.exec(form.getAttribute("action") || "");
      if (editing) form.dataset.entryId = editing[1];
      rememberLastWorkout(form, null);
      if (form.hasAttribute("data-shell")) prepareNewEntry(form);
      var stopwatch = form.querySelector("[data-stopwatch]");
      if (stopwatch) setupStopwatch(stopwatch, form);
      setupBodyMap(form);
      setupQuickValues(form);
      setupChecks(form);
      if (form.classList.contains("entry-form")) loadEntryToFix(form);
    });
  }

  // htmx swaps a form with its errors: set up the new one.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt.parentNode || document;
    setupForms(root);
    formatDates(root);
  });

  // --- The offline page: back to what was asked for, once the server answers -------------

  function setupOfflinePage() {
    if (!document.querySelector("[data-offline-page]") || location.pathname === "/offline/") return;
    function retry() {
      fetch(urls.session, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.ok) location.reload();
      }, function () { /* still offline */ });
    }
    window.addEventListener("online", function () { location.reload(); });
    setInterval(retry, 5000);
  }

  // --- The service worker -------------------------------------------------------------

  function setupServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var reloading = false;
    var banner = document.querySelector("[data-update-banner]");
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).then(function (registration) {
      if (!registration) return; // service workers blocked (a test browser, a policy)
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

  formatDates(document);
  setupForms(document);
  setupOfflinePage();
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
