// Ask before destructive actions: any form with data-confirm="question".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Show the guardian fields only when the ID number says the person is under 18.
(function () {
  var id = document.getElementById("id_number");
  var box = document.getElementById("guardian-fields");
  if (!id || !box) return;
  function update() {
    var v = id.value.trim();
    var m = /^\d{6}(\d{4})(\d{2})(\d{2})/.exec(v);
    if (!m) { box.hidden = !box.dataset.forceOpen; return; }
    var born = new Date(+m[1], +m[2] - 1, +m[3]);
    var now = new Date();
    var age = now.getFullYear() - born.getFullYear();
    if (now.getMonth() < born.getMonth() || (now.getMonth() === born.getMonth() && now.getDate() < born.getDate())) age--;
    // The ages come from the server (accounts.services), which applies the same rule.
    box.hidden = !(age < +box.dataset.adultAge) && !box.dataset.forceOpen;
    var sensitive = document.getElementById("sensitive-consent");
    if (sensitive) sensitive.hidden = !(age < +box.dataset.sensitiveAge);
  }
  id.addEventListener("input", update);
  update();
})();
// Print buttons: <button data-print>.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
