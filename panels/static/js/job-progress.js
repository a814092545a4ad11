// Refresh the progress block while the job runs. Without JavaScript, the page refreshes
// itself instead (a <noscript> meta refresh). The block is replaced only when it changed,
// so screen readers do not re-read the same progress every second.
(function () {
  function poll(delay) {
    setTimeout(function () {
      var box = document.getElementById("job-progress");
      if (!box) return;
      var status = box.getAttribute("data-status");
      if (status === "succeeded" || status === "failed") return;
      fetch(box.getAttribute("data-fragment"), { credentials: "same-origin" })
        .then(function (r) {
          if (r.status >= 400 && r.status < 500) return "stop";
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          if (html === "stop") return;
          if (html && html.trim() !== box.outerHTML.trim()) { box.outerHTML = html; }
          poll(html ? 1000 : Math.min(delay * 2, 15000));
        })
        .catch(function () { poll(Math.min(delay * 2, 15000)); });
    }, delay);
  }
  poll(1000);
})();
