// The profile page's switch for web push in this browser: registers the service worker,
// subscribes with the server's VAPID key and sends the subscription to the server (or ends it).
// Every word shown comes from the page's data attributes, in the user's language.
(function () {
  var box = document.getElementById("web-push");
  if (!box) { return; }
  var status = box.querySelector("[data-testid=push-status]");
  var on = box.querySelector("[data-testid=push-on]");
  var off = box.querySelector("[data-testid=push-off]");
  var csrf = box.getAttribute("data-csrf");

  function say(key) { status.textContent = box.getAttribute("data-say-" + key) || ""; }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; say(subscribed ? "on" : "off"); }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported"); on.hidden = true; off.hidden = true; return;
  }

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                       headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}})
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } });
  }
  function keyBytes(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  // The worker's scope is its own folder, not this page's, so serviceWorker.ready would never
  // come: wait for this registration's worker to be active instead.
  function activated(registration) {
    var worker = registration.installing || registration.waiting;
    if (!worker) { return registration; }
    return new Promise(function (resolve) {
      worker.addEventListener("statechange", function () { if (worker.state === "activated") { resolve(registration); } });
    });
  }
  var ready = navigator.serviceWorker.register(box.getAttribute("data-worker")).then(activated);
  ready.then(function (registration) { return registration.pushManager.getSubscription(); })
    .then(function (subscription) { show(Boolean(subscription)); box.setAttribute("data-ready", "true"); })
    .catch(function () { say("failed"); box.setAttribute("data-ready", "true"); });

  on.addEventListener("click", function () {
    on.disabled = true; say("working");
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") { throw new Error("denied"); }
        return ready;
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({userVisibleOnly: true,
                                                   applicationServerKey: keyBytes(box.getAttribute("data-key"))});
      })
      .then(function (subscription) { return post(box.getAttribute("data-subscribe"), subscription.toJSON()); })
      .then(function () { show(true); })
      .catch(function (error) { say(error.message === "denied" ? "denied" : "failed"); })
      .then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    ready.then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) { return null; }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(box.getAttribute("data-unsubscribe"), {endpoint: endpoint});
        });
      })
      .then(function () { show(false); })
      .catch(function () { say("failed"); })
      .then(function () { off.disabled = false; });
  });
})();
