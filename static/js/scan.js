// The self-scan page: send the check-in at once when nothing needs asking, with the location
// if the volunteer chose to share it (remembered on this phone, asked the first time).
(function () {
  var form = document.querySelector("form[data-scan]");
  if (!form) return;
  var share = form.querySelector("input[name=share_location]");
  var button = form.querySelector("button[type=submit]");
  var KEY = "volunteer.shareLocation";

  function send() {
    button.disabled = true;
    if (share && share.checked && navigator.geolocation) {
      button.textContent = form.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name=lat]").value = position.coords.latitude;
        form.querySelector("input[name=lng]").value = position.coords.longitude;
        form.submit();
      }, function () { form.submit(); }, { timeout: 5000, maximumAge: 60000 });
    } else {
      form.submit();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (share) {
      try { localStorage.setItem(KEY, share.checked ? "1" : "0"); } catch (e) { /* private mode */ }
    }
    send();
  });

  if (form.dataset.auto !== "1") return;
  if (!share) { send(); return; }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (saved !== null) {
    share.checked = saved === "1";
    send();
  }
})();
