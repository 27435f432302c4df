// The queue keeps itself up to date (it also works without this: reload, or the <noscript> refresh).
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (table) {
    var url = table.getAttribute("data-poll");
    var every = parseInt(table.getAttribute("data-interval"), 10) || 3000;
    var live = document.getElementById("live");
    var count = document.getElementById("new-count");
    var seen = {};
    table.querySelectorAll("tr[data-case]").forEach(function (tr) { seen[tr.getAttribute("data-case")] = true; });
    var stopped = false;
    var tick = function () {
      if (stopped) return;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (resp) {
        if (resp.status === 401) {
          stopped = true;
          var banner = document.createElement("p");
          banner.className = "banner"; banner.setAttribute("role", "alert");
          banner.innerHTML = 'You were signed out. <a href="/console/login">Sign in again</a>.';
          table.parentNode.insertBefore(banner, table);
          return null;
        }
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        var fresh = resp.headers.get("X-Queue-New");
        // The server's clock in the agent's zone and format, as the rows are (not the browser's).
        var updated = resp.headers.get("X-Queue-Updated");
        return resp.text().then(function (html) {
          var focused = document.activeElement && document.activeElement.closest("tr[data-case]");
          var keep = focused ? focused.getAttribute("data-case") : null;
          var holder = document.createElement("table");
          holder.innerHTML = html;
          var body = holder.querySelector("tbody");
          body.querySelectorAll("tr[data-case]").forEach(function (tr) {
            var id = tr.getAttribute("data-case");
            if (!seen[id]) { tr.classList.add("fresh"); seen[id] = true; }
          });
          table.replaceChild(body, table.querySelector("tbody"));
          if (keep) { var again = body.querySelector('tr[data-case="' + keep + '"] a'); if (again) again.focus(); }
          if (count && fresh !== null) { count.textContent = fresh; document.title = document.title.replace(/^\(\d+\) /, "").replace(/^/, fresh !== "0" ? "(" + fresh + ") " : ""); }
          if (live && updated) live.textContent = "updated " + updated;
        });
      }).catch(function () {
        if (live) live.textContent = "Can't reach the server; retrying.";
      }).then(function () { if (!stopped) setTimeout(tick, every); });
    };
    setTimeout(tick, every);
    // j / k move between cases; Enter opens the focused one.
    document.addEventListener("keydown", function (ev) {
      if (ev.target.closest("input, select, textarea") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key !== "j" && ev.key !== "k") return;
      var links = Array.prototype.slice.call(table.querySelectorAll("a.case-link"));
      if (!links.length) return;
      var at = links.indexOf(document.activeElement);
      var next = ev.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
      links[at < 0 ? 0 : next].focus();
      ev.preventDefault();
    });
  }
})();
