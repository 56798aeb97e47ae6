// The approval queue: "select all" on this page, and no confirmation for a batch with nothing selected.
(function () {
  var form = document.getElementById("batch-form");
  if (!form) return;
  var boxes = function () { return document.querySelectorAll('input[name="entry_ids"][form="batch-form"]'); };
  var all = document.getElementById("select-all");
  var none = document.getElementById("batch-none");
  if (all) {
    all.closest("[data-select-all]").hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    document.addEventListener("change", function (event) {
      if (event.target.name !== "entry_ids") return;
      var list = Array.prototype.slice.call(boxes());
      all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
    });
  }
  form.addEventListener("submit", function (event) {
    var chosen = Array.prototype.some.call(boxes(), function (box) { return box.checked; });
    if (!chosen) {
      event.preventDefault();
      event.stopPropagation();  // before the page-wide confirmation (app.js) asks anything
      if (none) none.hidden = false;
    } else if (none) {
      none.hidden = true;
    }
  });
})();
