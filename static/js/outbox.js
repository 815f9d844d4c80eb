/*
 * The offline outbox: entries saved on this phone that the server has not yet
 * confirmed. Shared by the pages (app.js) and the service worker (sw.js), so it
 * touches neither `window` nor `document`.
 *
 * An entry leaves the outbox only when /api/v1/sync/ answers created,
 * unchanged or updated for its id. An entry the server refuses stays, with the
 * server's messages, until the person fixes or discards it. Entries keep the
 * client id they were made with, so a replay never stores one twice.
 */
(function (scope) {
  "use strict";

  var DB_NAME = "twitchlog";
  var ITEMS = "outbox";
  var META = "meta";
  var BATCH = 500; // the most /api/v1/sync/ takes at once

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(ITEMS, { keyPath: "id" });
      request.result.createObjectStore(META);
    };
    return promised(request);
  }

  // Runs `work(store)` in one transaction and resolves with its result once committed.
  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result;
        Promise.resolve(work(transaction.objectStore(name))).then(function (value) { result = value; });
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  var Outbox = {
    /* item: {id, type: "episodes"|"workouts"|"hydration"|"checkins", body: {...API fields}} */
    add: function (item) {
      var stored = { id: item.id, type: item.type, body: item.body, queuedAt: Date.now(), errors: null };
      return withStore(ITEMS, "readwrite", function (store) { store.put(stored); });
    },

    all: function () {
      return withStore(ITEMS, "readonly", function (store) { return promised(store.getAll()); });
    },

    get: function (id) {
      return withStore(ITEMS, "readonly", function (store) { return promised(store.get(id)); });
    },

    discard: function (id) {
      return withStore(ITEMS, "readwrite", function (store) { store.delete(id); });
    },

    clear: function () {
      return Promise.all([
        withStore(ITEMS, "readwrite", function (store) { store.clear(); }),
        withStore(META, "readwrite", function (store) { store.clear(); }),
      ]);
    },

    lastSync: function () {
      return withStore(META, "readonly", function (store) { return promised(store.get("lastSync")); });
    },

    /*
     * Send everything that waits and has not been refused. Resolves with
     * {status: "synced"|"empty"|"offline"|"login"|"error"|"busy", sent, refused}.
     * "login" means the session has expired: the entries stay for later.
     */
    flush: function (urls) {
      // The page and the service worker may both start a flush when the
      // connection returns; the lock lets one run and the other stand aside.
      if (scope.navigator && scope.navigator.locks) {
        return scope.navigator.locks.request("twitchlog-outbox-flush", { ifAvailable: true }, function (lock) {
          return lock ? flushNow(urls) : { status: "busy", sent: 0, refused: 0 };
        });
      }
      return flushNow(urls);
    },
  };

  function flushNow(urls) {
    return Outbox.all().then(function (items) {
      var waiting = items.filter(function (item) { return !item.errors; });
      if (!waiting.length) {
        return { status: "empty", sent: 0, refused: items.length };
      }
      return fetch(urls.session, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (session) {
          if (!session.authenticated) {
            return { status: "login", sent: 0, refused: 0 };
          }
          return sendInBatches(urls.sync, session.csrf_token, waiting);
        }, function () {
          return { status: "offline", sent: 0, refused: 0 };
        });
    });
  }

  function sendInBatches(syncUrl, csrfToken, items) {
    var outcome = { status: "synced", sent: 0, refused: 0 };
    var batches = [];
    for (var start = 0; start < items.length; start += BATCH) {
      batches.push(items.slice(start, start + BATCH));
    }
    return batches.reduce(function (previous, batch) {
      return previous.then(function () {
        if (outcome.status !== "synced") return;
        return sendBatch(syncUrl, csrfToken, batch, outcome);
      });
    }, Promise.resolve()).then(function () {
      if (outcome.status !== "synced") return outcome;
      return withStore(META, "readwrite", function (store) { store.put(Date.now(), "lastSync"); })
        .then(function () { return outcome; });
    });
  }

  function sendBatch(syncUrl, csrfToken, items, outcome) {
    var body = {};
    items.forEach(function (item) {
      (body[item.type] = body[item.type] || []).push(item.body);
    });
    return fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        outcome.status = "login";
        return;
      }
      if (!response.ok) {
        outcome.status = "error";
        return;
      }
      return response.json().then(function (answer) {
        return withStore(ITEMS, "readwrite", function (store) {
          answer.results.forEach(function (result) {
            if (result.status === "invalid") {
              outcome.refused += 1;
              var request = store.get(result.id);
              request.onsuccess = function () {
                if (request.result) {
                  request.result.errors = result.errors;
                  store.put(request.result);
                }
              };
            } else {
              outcome.sent += 1;
              store.delete(result.id);
            }
          });
        });
      });
    }, function () {
      outcome.status = "offline";
    });
  }

  scope.Outbox = Outbox;
})(typeof self !== "undefined" ? self : this);
