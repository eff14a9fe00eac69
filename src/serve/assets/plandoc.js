// Progressive enhancement only: every page works without this script.
// Drop zones: a file dropped on the zone goes into its file input.
document.querySelectorAll(".depot").forEach(function (zone) {
  var input = zone.querySelector("input[type=file]");
  var status = zone.querySelector(".choisi");
  if (!input) return;
  function show() {
    if (status) status.textContent = input.files.length ? "Fichier choisi : " + input.files[0].name : "";
  }
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("survol"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function () { zone.classList.remove("survol"); });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
  });
  input.addEventListener("change", show);
});
