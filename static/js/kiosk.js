// The station lead's kiosk. A scanner gun types the card's code into the field and presses
// Enter; the camera (zxing-wasm, the same decoder family the server's tests use) reads it too.
// Each scan is posted and its answer shown without reloading the page. The camera's decoder is
// loaded only when the camera is switched on: a kiosk with a scanner gun never downloads it.
(function () {
  var root = document.querySelector("[data-kiosk]");
  if (!root) return;
  var readerUrl = document.currentScript && document.currentScript.dataset.zxing;
  var form = document.getElementById("kiosk-form");
  var input = form.querySelector("[name=code]");
  var result = document.getElementById("kiosk-result");

  function requestId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function send(code) {
    var data = new FormData(form);
    data.set("code", code);
    data.set("request_id", requestId());
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                                headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        // Signed out meanwhile (the answer is the login page): reload, which asks to sign in.
        if (response.redirected) { window.location.reload(); return null; }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        if (html.indexOf("kiosk-answer") === -1) { failed(root.dataset.failed); return; }
        result.innerHTML = html;  // rendered and escaped by the server's template
      })
      .catch(function () { failed(root.dataset.offline); });
  }

  function failed(message) {
    result.innerHTML = "";
    var p = document.createElement("p");
    p.className = "kiosk-answer kiosk-refused";
    p.textContent = message;
    result.appendChild(p);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    input.focus();
    if (code) send(code);
  });
  // Keep the cursor in the field, so the scanner gun always types into it.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("select, button, a, input, video")) input.focus();
  });

  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var last = "", lastAt = 0;

  function readFrame() {
    if (video.readyState < 2 || !video.videoWidth) { setTimeout(readFrame, 200); return; }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    ZXingWASM.readBarcodes(image, { formats: ["QRCode"], maxNumberOfSymbols: 1 }).then(function (found) {
      var text = found.length ? found[0].text : "";
      // The same card held in front of the camera is one scan, not one per frame.
      if (text && !(text === last && Date.now() - lastAt < 5000)) {
        last = text;
        lastAt = Date.now();
        send(text);
      }
      setTimeout(readFrame, 250);
    }, function () { setTimeout(readFrame, 1000); });
  }

  function loadReader() {
    if (window.ZXingWASM) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = readerUrl;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  button.addEventListener("click", function () {
    if (!navigator.mediaDevices || !readerUrl) { alert(root.dataset.cameraFailed); return; }
    button.disabled = true;
    loadReader().then(startCamera, function () {
      button.disabled = false;
      alert(root.dataset.cameraFailed);
    });
  });

  function startCamera() {
    ZXingWASM.prepareZXingModule({
      overrides: { locateFile: function (path, prefix) {
        return path.endsWith(".wasm") ? root.dataset.wasm : prefix + path; } },
      fireImmediately: true,
    });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        button.hidden = true;
        return video.play();
      })
      .then(readFrame)
      .catch(function () { button.disabled = false; alert(root.dataset.cameraFailed); });
  }
})();
