// Refresh the station's rotating code at the start of every step (the server decides the step).
(function () {
  var section = document.querySelector("[data-step-seconds]");
  var img = document.getElementById("rotating-qr");
  var status = document.getElementById("display-status");
  if (!section || !img) return;
  var step = (+section.dataset.stepSeconds || 30) * 1000;
  function refresh() {
    var next = new Image();
    next.onload = function () { img.src = next.src; status.textContent = ""; };
    next.onerror = function () { status.textContent = status.dataset.offline; };
    next.src = img.dataset.src + "?t=" + Date.now();
    setTimeout(refresh, step - (Date.now() % step) + 200);
  }
  setTimeout(refresh, step - (Date.now() % step) + 200);
})();
