// ftigate console: live progress of a request being matched and disclosed (polling, no reload).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.getAttribute("data-working") !== "yes") { return; }
  var url = box.getAttribute("data-progress");
  var bar = document.getElementById("progress-bar");
  var decided = document.getElementById("progress-decided");
  var state = document.getElementById("progress-state");
  var outcomes = document.getElementById("progress-outcomes");
  var job = document.getElementById("progress-job");
  function render(p) {
    bar.max = p.valid || 1;
    bar.value = p.decided;
    decided.textContent = p.decided.toLocaleString("en-US");
    state.textContent = p.state.replace(/_/g, " ") + (p.finished ? ": finished" : "");
    job.textContent = p.job ? "Job " + p.job.id + ": " + p.job.state + (p.job.stage && p.job.stage !== p.job.state ? ", " + p.job.stage : "") + "." : "";
    while (outcomes.firstChild) { outcomes.removeChild(outcomes.firstChild); }
    Object.keys(p.outcomes).sort().forEach(function (k) {
      var tr = document.createElement("tr");
      var a = document.createElement("td"); a.textContent = k.replace(/_/g, " ");
      var b = document.createElement("td"); b.className = "num"; b.textContent = p.outcomes[k].toLocaleString("en-US");
      tr.appendChild(a); tr.appendChild(b); outcomes.appendChild(tr);
    });
    box.setAttribute("data-state", p.state);
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        render(p);
        if (p.working) { window.setTimeout(poll, 1000); }
        else { box.setAttribute("data-finished", "yes"); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
