// The batch page follows its job: the progress bar and counts update until it is done or stops.
(function () {
  var box = document.getElementById("batch");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-testid=batch-progress]");
  var percent = box.querySelector("[data-testid=batch-percent]");
  var count = box.querySelector("[data-testid=batch-count]");
  var state = box.querySelector("[data-testid=batch-state]");
  var labels = JSON.parse(state.getAttribute("data-labels"));
  var error = box.querySelector("[data-testid=batch-error]");
  var done = box.querySelector("[data-testid=batch-done]");
  var resume = box.querySelector("[data-testid=batch-resume]");

  function show(job) {
    bar.value = job.percent;
    percent.textContent = job.percent;
    count.textContent = job.total === null ? String(job.done) : job.done + " / " + job.total;
    state.textContent = labels[job.state] || job.state;
    box.setAttribute("data-state", job.state);
    done.hidden = job.state !== "done";
    error.hidden = job.state !== "failed";
    error.textContent = job.error || "";
    resume.hidden = !(job.state === "failed" || job.stale);
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job) { show(job); }
        if (!job || job.state === "queued" || (job.state === "running" && !job.stale)) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.getAttribute("data-state") !== "done") { poll(); }
})();
