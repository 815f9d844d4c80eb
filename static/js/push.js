/*
 * Reminders on this phone (Settings → Reminders → This phone): asks the
 * browser for a Web Push subscription with the server's VAPID public key and
 * sends it to the server, or takes it back. The service worker (sw.js) shows
 * the reminders. Without push, reminders go by email; this only says so.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-push]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var key = box.dataset.pushKey;
  var known = JSON.parse(document.getElementById("push-endpoints").textContent);

  var WORDS = {
    on: "This phone gets your reminders as notifications.",
    off: "This phone does not get notifications: reminders come by email.",
    unsupported: "This browser cannot show notifications from a website: reminders come by email. On an iPhone, add twitchlog to the Home Screen first.",
    blocked: "Notifications are blocked for this site: allow them in the browser's settings, then try again.",
    failed: "Could not turn notifications on just now: reminders come by email. Try again later.",
  };

  function say(words) { status.textContent = words; }
  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? WORDS.on : WORDS.off);
  }

  if (!key || !on) return; // push is not set up on this server: the page says so
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(WORDS.unsupported);
    return;
  }

  // The service worker app.js registers; never settles where workers are off.
  function registration() {
    return Promise.race([
      navigator.serviceWorker.ready,
      new Promise(function (resolve, reject) {
        setTimeout(function () { reject(new Error("no service worker")); }, 10000);
      }),
    ]);
  }

  function current() {
    return registration().then(function (reg) { return reg.pushManager.getSubscription(); });
  }

  // The VAPID key, base64url as the server gives it, as the bytes subscribe() wants.
  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, fields) {
    var token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    var body = new URLSearchParams(fields);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    });
  }

  function fields(subscription) {
    var json = subscription.toJSON();
    return { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth };
  }

  function subscribe(reg) {
    return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  }

  // `fresh`: a subscription another account on this phone left behind was just dropped.
  function turnOn(fresh) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("blocked");
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        return existing || subscribe(reg);
      });
    }).then(function (subscription) {
      return post(box.dataset.subscribeUrl, fields(subscription)).then(function (response) {
        if (response.status === 404 && !fresh) {
          return subscription.unsubscribe().then(function () { return turnOn(true); });
        }
        if (!response.ok) throw new Error("refused");
        show(true);
      });
    });
  }

  function turnOff() {
    return current().then(function (subscription) {
      if (!subscription) return null;
      return post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }).then(function () {
        return subscription.unsubscribe();
      });
    }).then(function () { show(false); });
  }

  on.addEventListener("click", function () {
    on.disabled = true;
    turnOn(false).catch(function (error) {
      say(error && error.message === "blocked" ? WORDS.blocked : WORDS.failed);
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    turnOff().catch(function () { say(WORDS.failed); }).then(function () { off.disabled = false; });
  });

  say("Checking whether this phone gets notifications…");
  current().then(function (subscription) {
    show(Boolean(subscription && known.indexOf(subscription.endpoint) >= 0));
  }).catch(function () { say(WORDS.unsupported); });
})();
