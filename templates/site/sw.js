// Notebook's service worker: lessons readable offline, reminders as notifications.
// Rendered by trustrepair.pwa.service_worker, served from /sw.js (scope: the site).
//
// What it keeps, in one cache per version of the site:
//   - the static files (CSS, JS, icons) and the offline page;
//   - lesson, stage and course pages under /guides/ that the person opened or saved,
//     always as the signed-out copy, fetched without cookies. What a signed-in person
//     sees (progress, forms, tokens) goes to the page and is never stored.
// It never stores /journal/, /accounts/, /s/, /admin/ or anything else, and never a
// response marked no-store or private. Sign-out and quick exit empty the cache.
"use strict";

var VERSION = "{{ version }}";
var CACHE = "notebook-" + VERSION;
var PRECACHE = {{ precache|safe }};
var OFFLINE_URL = "{{ offline_url }}";
var STATIC_PREFIX = "{{ static_prefix }}";
var GUIDES_PREFIX = "{{ guides_prefix }}";
var LOGOUT_URL = "{{ logout_url }}";
var EXIT_URL = "{{ exit_url }}";
// /guides/, /guides/<stage>/ and /guides/<stage>/<lesson>/; not search or start here.
var READING_PAGE = new RegExp(
  "^" + GUIDES_PREFIX.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") +
  "(?:(?!search/|start/)[a-z0-9-]+/(?:[a-z0-9-]+/)?)?$"
);

function isReadingPage(url) {
  return url.origin === self.location.origin && READING_PAGE.test(url.pathname) &&
    (url.search === "" || url.search === "?all=1");
}

function isStatic(url) {
  return url.origin === self.location.origin && url.pathname.indexOf(STATIC_PREFIX) === 0;
}

function storable(response) {
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) {
    return false;
  }
  var control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return control.indexOf("no-store") === -1 && control.indexOf("private") === -1;
}

// The signed-out copy of a reading page: no cookies are sent, so nothing personal
// can be in it (and the server marks it public).
function fetchPublicCopy(url) {
  return fetch(url, { credentials: "omit", cache: "no-cache", redirect: "error" });
}

function keepPublicCopy(url) {
  return fetchPublicCopy(url).then(function (response) {
    if (!storable(response)) return false;
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("text/html") !== 0) return false;
    return caches.open(CACHE).then(function (cache) {
      return cache.put(url, response).then(function () { return true; });
    });
  }).catch(function () { return false; });
}

function clearAll() {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (key) { return caches.delete(key); }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(PRECACHE.map(function (url) {
        return fetch(url, { credentials: "omit" }).then(function (response) {
          if (storable(response)) return cache.put(url, response);
        });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  // A new version: bring the reading pages kept by the old one across, fresh, then
  // drop the old caches (their pages point at the old static files).
  event.waitUntil(
    caches.keys().then(function (keys) {
      var old = keys.filter(function (key) { return key !== CACHE; });
      return Promise.all(old.map(function (key) {
        return caches.open(key).then(function (cache) { return cache.keys(); })
          .then(function (requests) {
            return Promise.all(requests.map(function (request) {
              var url = new URL(request.url);
              return isReadingPage(url) ? keepPublicCopy(url.href) : null;
            }));
          })
          .then(function () { return caches.delete(key); });
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  if (data.type === "clear") {
    event.waitUntil(clearAll().then(function () { if (reply) reply.postMessage({ ok: true }); }));
  } else if (data.type === "save" && Array.isArray(data.urls)) {
    var urls = data.urls.map(function (u) { return new URL(u, self.location.origin); })
      .filter(isReadingPage).map(function (u) { return u.href; });
    // One page after another: gentler on the server than a burst of requests.
    var results = [];
    var saving = urls.reduce(function (previous, url) {
      return previous.then(function () {
        return keepPublicCopy(url).then(function (ok) { results.push(ok); });
      });
    }, Promise.resolve());
    event.waitUntil(saving.then(function () {
      var saved = results.filter(Boolean).length;
      if (reply) reply.postMessage({ ok: saved === urls.length, saved: saved, total: urls.length });
    }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  // Signing out or leaving: forget every kept page as the request goes.
  if (request.method === "POST" && (url.pathname === LOGOUT_URL || url.pathname === EXIT_URL)) {
    event.waitUntil(clearAll());
    return;
  }
  if (request.method !== "GET") return;

  if (isStatic(url)) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (storable(response)) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
    return;
  }

  if (isReadingPage(url)) {
    // Network first, so a signed-in reader sees their own page; the signed-out copy is
    // kept for offline. Offline: that copy, or the offline page.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) event.waitUntil(keepPublicCopy(url.href));
        return response;
      }).catch(function () {
        return caches.match(url.href, { ignoreVary: true }).then(function (hit) {
          return hit || caches.match(OFFLINE_URL);
        });
      })
    );
    return;
  }

  if (request.mode === "navigate") {
    // Everything else goes to the network only; offline, the offline page says so.
    event.respondWith(
      fetch(request).catch(function () { return caches.match(OFFLINE_URL); })
    );
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Notebook", {
    body: data.body || "",
    icon: "{{ icon_url }}",
    badge: "{{ icon_url }}",
    tag: "notebook-reminder",
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(target.href));
});
