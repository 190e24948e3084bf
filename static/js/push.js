// Reminders page: ask this browser for a Web Push subscription and hand it to the
// server. Only this page loads it; without JavaScript the rest of the page still works.
(function () {
  "use strict";

  var box = document.getElementById("push-controls");
  if (!box) return;
  var button = document.getElementById("push-subscribe");
  var status = document.getElementById("push-status");
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) return;
  box.hidden = false;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Asking this device…";
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("permission");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.getAttribute("data-push-key"))
        });
      });
    }).then(function (subscription) {
      return fetch(box.getAttribute("data-push-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("server");
      window.location.reload();
    }).catch(function (error) {
      status.textContent = error && error.message === "permission"
        ? "Notifications are blocked for this site in this browser's settings."
        : "This device could not be set up for notifications. Email reminders still work.";
      button.disabled = false;
    });
  });
})();
