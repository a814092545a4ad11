// Replace the progress block every second until the job finishes. Without JavaScript,
// the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  function poll() {
    var box = document.getElementById("job-progress");
    if (!box) return;
    var status = box.getAttribute("data-status");
    if (status === "succeeded" || status === "failed") return;
    fetch(box.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html) { box.outerHTML = html; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
