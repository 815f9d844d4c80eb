/*
 * twitchlog's service worker, served at /sw.js so that it controls the whole site.
 *
 * - It keeps the app shell (CSS, JS, icons, the offline page and the log forms)
 *   in a cache named after this version; a new version empties the old cache.
 * - Pages come from the network first; without one, a log form comes from the
 *   cache, and anything else shows the offline page.
 * - It never stores API responses or pages with anyone's data.
 * - Background Sync, where the browser has it, flushes the outbox.
 * - A reminder pushed by the server (logbook/reminding.py) is shown as a
 *   notification; tapping it opens its log form, and "Snooze 1 hour" tells
 *   the server through the reminder's signed snooze link.
 */
importScripts({{ outbox_js|safe }});

var VERSION = "{{ version }}";
var CACHE = "twitchlog-" + VERSION;
{# The lists are JSON, made by logbook/pwa.py from static() and reverse(). #}
var ASSETS = {{ assets|safe }};
var PAGES = {{ pages|safe }};
var OFFLINE_PAGE = {{ offline_page|safe }};
var URLS = { session: {{ session_url|safe }}, sync: "/api/v1/sync/" };

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS.concat(PAGES));
  }));
  // No skipWaiting() here: an open page offers "new version — reload" instead.
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("twitchlog-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "skip-waiting") self.skipWaiting();
});

// The cached form a page falls back to: /log/episode/ -> /log/episode/?shell=1
function shellFor(url) {
  var wanted = url.pathname + "?shell=1";
  return PAGES.indexOf(wanted) >= 0 ? wanted : null;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      var fallback = shellFor(url) || (PAGES.indexOf(url.pathname) >= 0 ? url.pathname : null);
      return (fallback ? caches.match(fallback) : Promise.resolve(null)).then(function (cached) {
        return cached || caches.match(OFFLINE_PAGE);
      });
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request).then(function (cached) {
      return cached || fetch(request);
    }));
  }
  // Everything else, the API above all, goes to the network untouched.
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") {
    event.waitUntil(self.Outbox.flush(URLS).then(function (outcome) {
      return self.clients.matchAll().then(function (clients) {
        clients.forEach(function (client) { client.postMessage({ outbox: outcome }); });
      });
    }));
  }
});

// --- Reminders --------------------------------------------------------------------

var REMINDER_ICON = "{% load static %}{% static 'icons/icon-192.png' %}";

function reminderFrom(event) {
  try {
    return event.data ? event.data.json() : null;
  } catch (error) {
    return null; // not a reminder of ours
  }
}

function showReminder(reminder) {
  return self.registration.showNotification(reminder.title || "twitchlog", {
    body: reminder.body || "",
    tag: reminder.tag,
    icon: REMINDER_ICON,
    badge: REMINDER_ICON,
    data: reminder,
    actions: reminder.actions || [],
  });
}

// What a tap does: { open: "/log/checkin/" } or { snooze: "/reminders/snooze/..." }.
// Only pages of this site are opened.
function reminderTarget(data, action) {
  if (action === "snooze" && data.snooze_url) return { snooze: data.snooze_url };
  var url = new URL(data.url || "/", self.location.origin);
  return { open: url.origin === self.location.origin ? url.href : self.location.origin + "/" };
}

// The reminder's form: a window already showing it comes to the front, else one opens.
function openReminder(href) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var same = windows.filter(function (client) { return client.url === href; })[0];
    return same ? same.focus() : self.clients.openWindow(href);
  });
}

// The snooze link is the key: no session and no CSRF token are needed.
function snoozeReminder(url) {
  return fetch(url, { method: "POST", credentials: "omit", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (answer) {
      if (!answer) return null;
      return self.registration.showNotification("twitchlog", {
        body: answer.message, tag: "reminder-snoozed", icon: REMINDER_ICON,
      }).then(function () { return answer; });
    });
}

self.addEventListener("push", function (event) {
  var reminder = reminderFrom(event);
  if (reminder) event.waitUntil(showReminder(reminder));
});

self.addEventListener("notificationclick", function (event) {
  var target = reminderTarget(event.notification.data || {}, event.action);
  event.notification.close();
  event.waitUntil(target.snooze ? snoozeReminder(target.snooze) : openReminder(target.open));
});
