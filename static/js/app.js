// Quick exit: end the session, then leave for a neutral page without leaving
// this site in the Back history. The plain link still works without JavaScript.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function quickExit(link) {
    var exitUrl = link.getAttribute("data-exit");
    var token = csrfToken();
    // Signed-out pages carry no token: there is no session to end.
    if (exitUrl && token) {
      try {
        fetch(exitUrl, {
          method: "POST",
          keepalive: true,
          credentials: "same-origin",
          headers: { "X-CSRFToken": token },
        }).catch(function () {});
      } catch (e) {
        /* leaving matters more than logging out cleanly */
      }
    }
    try {
      sessionStorage.clear();
      localStorage.clear();
    } catch (e) {}
    document.body.hidden = true;
    window.location.replace(link.href);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#quick-exit");
    if (!link) return;
    event.preventDefault();
    quickExit(link);
  });

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) {
      var link = document.getElementById("quick-exit");
      if (link) quickExit(link);
    }
    lastEscape = now;
  });

  // Copy buttons: <button data-copy="#element-id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.value || source.textContent.trim()).then(function () {
      var original = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = original; }, 2000);
    });
  });

  // Print buttons: <button data-print> (the printable journal).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (!button) return;
    window.print();
  });

  // The header's menu (a <details> on phones) closes when the page behind it is tapped.
  document.addEventListener("click", function (event) {
    var menu = document.querySelector(".site-menu[open]");
    if (menu && !menu.contains(event.target)) menu.removeAttribute("open");
  });

  // Time zone: the browser says where it is, in a hidden field of the sign-up and
  // sign-in forms, filled in as the form is sent (building a DateTimeFormat loads
  // locale data, which is not worth doing while the page loads). The server checks
  // the name against the ones it knows.
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("[data-detect-time-zone]");
    if (!inputs.length) return;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      inputs.forEach(function (input) {
        input.value = zone;
      });
    } catch (e) {}
  });

  // A long <select data-searchable> (the time zone picker) gets a box to narrow it
  // down by typing any part of a name. Without JavaScript, the select still finds
  // an option by its first letters.
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.id = select.id + "-search";
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "small";
    label.textContent = "Find a place";
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !words || option.text.toLowerCase().indexOf(words) !== -1 ||
          option.value.toLowerCase().indexOf(words) !== -1;
        option.hidden = !match;
        if (match && !first) first = option;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (words && first) select.value = first.value;
    });
  });

  // Before the idle timeout ends the session, a page with unsaved typing warns and
  // offers to stay signed in. If it ends anyway, saving still keeps the words
  // (trustrepair.kept_words), and the warning says so.
  var warning = document.getElementById("idle-warning");
  var secondsLeft = warning ? parseInt(warning.getAttribute("data-seconds-left"), 10) : 0;
  if (warning && secondsLeft > 0) {
    var fullLength = secondsLeft * 1000;
    var deadline = Date.now() + fullLength;
    var typing = false;
    var ticking = null;

    var setDeadline = function (ms) {
      deadline = Date.now() + ms;
      warning.hidden = true;
    };
    var warnFrom = function () {
      return deadline - Math.min(120000, fullLength / 3);
    };
    var tick = function () {
      if (!typing) return;
      var now = Date.now();
      var ended = now >= deadline;
      warning.querySelector("[data-idle-soon]").hidden = ended;
      warning.querySelector("[data-idle-ended]").hidden = !ended;
      warning.querySelector("[data-stay]").hidden = ended;
      if (now >= warnFrom()) warning.hidden = false;
    };

    document.addEventListener("input", function (event) {
      var form = event.target.form;
      if (!form || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
      typing = true;
      if (!ticking) ticking = setInterval(tick, 1000);
    });
    document.addEventListener("submit", function () {
      typing = false;
    });
    // htmx requests are activity too; the server pushes its expiry at most once a minute.
    document.addEventListener("htmx:afterRequest", function () {
      deadline = Math.max(deadline, Date.now() + fullLength - 60000);
    });
    warning.querySelector("[data-stay]").addEventListener("click", function () {
      fetch(warning.getAttribute("data-stay-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (!response.ok) {
          deadline = Date.now();
          tick();
          return null;
        }
        return response.json().then(function (body) {
          setDeadline(body.seconds_left * 1000);
        });
      }).catch(function () {});
    });
  }
})();
