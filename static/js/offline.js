// Offline reading: registers the service worker, offers "save this stage for offline",
// lists saved lessons on the offline page, and empties the saved pages when the person
// signs out or leaves with quick exit. Everything here is optional: the site works
// the same without JavaScript, just not offline.
(function () {
  "use strict";

  var script = document.currentScript;
  var workerUrl = script && script.getAttribute("data-worker");
  var hasWorker = "serviceWorker" in navigator && !!workerUrl;
  var LESSON_PATH = /^\/guides\/[a-z0-9-]+\/[a-z0-9-]+\/$/;

  if (hasWorker) {
    // After the page has loaded, so installing never slows the first view.
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {});
    });
  }

  function clearPages() {
    var done = [];
    if (window.caches) {
      done.push(caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return caches.delete(key); }));
      }));
    }
    // The worker finishes the job even if this page is already gone.
    if (hasWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear" });
    }
    return Promise.all(done).catch(function () {});
  }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (resolve) { setTimeout(resolve, ms); })]);
  }

  // Sign-out: empty the saved pages first, then send the form as it was.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-sign-out]")) return;
    if (form.getAttribute("data-cleared")) return;
    event.preventDefault();
    form.setAttribute("data-cleared", "1");
    withTimeout(clearPages(), 1500).then(function () { form.submit(); });
  });

  // Quick exit (app.js leaves at once): start emptying before it goes.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#quick-exit")) clearPages();
  }, true);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) clearPages();
    lastEscape = now;
  }, true);

  // "Save this stage for offline" on a stage page.
  function setUpSaveStage() {
    var box = document.querySelector("[data-save-offline]");
    if (!box || !hasWorker || !window.MessageChannel) return;
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    box.hidden = false;
    button.addEventListener("click", function () {
      var urls = [window.location.pathname];
      document.querySelectorAll(".lesson-list a[href]").forEach(function (link) {
        urls.push(new URL(link.href, window.location.href).pathname);
      });
      button.disabled = true;
      status.textContent = "Saving…";
      navigator.serviceWorker.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (message) {
          var data = message.data || {};
          var lessons = Math.max(0, (data.saved || 0) - 1);
          status.textContent = data.ok
            ? "Saved: this stage and its " + lessons + " lessons open on this device without a connection."
            : "Some pages could not be saved. Check the connection and try again.";
          button.disabled = false;
        };
        registration.active.postMessage({ type: "save", urls: urls }, [channel.port2]);
      });
    });
  }

  // The offline page: list the lessons kept on this device.
  function listSavedLessons() {
    var box = document.getElementById("saved-lessons");
    var list = document.getElementById("saved-lessons-list");
    if (!box || !list || !window.caches) return;
    caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return caches.open(key).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              var path = new URL(request.url).pathname;
              if (!LESSON_PATH.test(path)) return null;
              return cache.match(request).then(function (response) {
                return response.text().then(function (html) {
                  var found = /<h1 id="lesson-title">([^<]*)<\/h1>/.exec(html);
                  return found ? { path: path, title: found[1] } : null;
                });
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var seen = {};
      [].concat.apply([], groups).forEach(function (item) {
        if (!item || seen[item.path]) return;
        seen[item.path] = true;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.path;
        // The title comes from a page this site served; set as text, never as HTML.
        a.textContent = new DOMParser().parseFromString(item.title, "text/html").documentElement.textContent;
        li.appendChild(a);
        list.appendChild(li);
      });
      if (list.children.length) box.hidden = false;
    }).catch(function () {});
  }

  function ready() {
    setUpSaveStage();
    listSavedLessons();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
