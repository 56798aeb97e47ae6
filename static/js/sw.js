// The service worker of web push: shows what the server pushed (a notice's title, text and
// link) and opens the link when the notification is tapped. It caches nothing.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {body: event.data && event.data.text()}; }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "", data: {url: data.url || "/"}, icon: "/static/favicon.svg", lang: "zh-CN"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) { url = new URL("/", self.location.origin); }
  event.waitUntil(self.clients.openWindow(url.href));
});
