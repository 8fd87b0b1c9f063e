// Recording a distribution: the signature canvas and the form's optional parts.
// A static file, not inline: the Content-Security-Policy allows script from 'self' only.
(function () {
  var form = document.getElementById("aid-record");
  if (!form) return;
  var canvas = document.getElementById("aid-canvas");
  var ctx = canvas.getContext("2d");
  var drawn = false, down = false;
  ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#000";
  function at(e) {
    var r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  }
  canvas.addEventListener("pointerdown", function (e) { down = true; canvas.setPointerCapture(e.pointerId); var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault(); });
  canvas.addEventListener("pointermove", function (e) { if (!down) return; var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; e.preventDefault(); });
  canvas.addEventListener("pointerup", function () { down = false; });
  document.getElementById("aid-canvas-clear").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; });
  function sync() {
    var kind = form.querySelector("input[name=proof_kind]:checked");
    var proxy = form.querySelector("input[name=received_by]:checked");
    form.querySelector(".aid-signature").hidden = !(kind && kind.value === "signature");
    form.querySelector(".aid-photo").hidden = !(kind && kind.value === "photo");
    form.querySelector(".aid-proxy").hidden = !(proxy && proxy.value === "proxy");
  }
  form.addEventListener("change", sync); sync();
  form.addEventListener("submit", function () {
    form.querySelector("input[name=signature]").value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
