// A job's page (a batch of certificates, a printable report) follows the job: the progress bar
// and counts update while it is under way.
// The server says what the job's state means (finished, failed, resumable, under way) and how
// to name it; this script compares no states of its own.
(function () {
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-testid=job-progress]");
  var percent = box.querySelector("[data-testid=job-percent]");
  var count = box.querySelector("[data-testid=job-count]");
  var state = box.querySelector("[data-testid=job-state]");
  var error = box.querySelector("[data-testid=job-error]");
  var done = box.querySelector("[data-testid=job-done]");
  var resume = box.querySelector("[data-testid=job-resume]");

  function show(job) {
    bar.value = job.percent;
    percent.textContent = job.percent;
    count.textContent = job.total === null ? String(job.done) : job.done + " / " + job.total;
    state.textContent = job.state_label;
    box.setAttribute("data-state", job.state);
    done.hidden = !job.finished;
    error.hidden = !job.failed;
    error.textContent = job.error || "";
    resume.hidden = !job.resumable;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job) { show(job); }
        if (!job || job.under_way) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.getAttribute("data-under-way") === "true") { poll(); }
})();
