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

})();
