// Progressive enhancement only: every page works without this file.
// 1. Drag and drop onto the upload form (the file lands in the ordinary file input).
// 2. Parts marked data-live="URL" are refreshed in place every 2 s while they show
//    something pending (data-pending), or always (data-always). The fragment is
//    server-rendered and escaped HTML from this site.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload");
  if (form) {
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector(".drop");
    for (const name of ["dragenter", "dragover"]) {
      form.addEventListener(name, (e) => { e.preventDefault(); zone.classList.add("over"); });
    }
    form.addEventListener("dragleave", () => zone.classList.remove("over"));
    form.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        zone.querySelector(".hint").textContent = input.files[0].name;
      }
    });
  }
  // 3. A form marked data-confirm asks first; confirmed, it skips the server's own
  //    confirmation page (the one a browser without this script gets).
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (e) => {
      if (!window.confirm(f.dataset.confirm)) { e.preventDefault(); return; }
      const yes = f.querySelector("input[name=confirm]");
      if (yes) yes.value = "yes";
    });
  }
  for (const box of document.querySelectorAll("[data-live]")) {
    const url = box.dataset.live;
    if (!url) continue;
    const busy = () => box.dataset.always || box.querySelector("[data-pending]");
    const tick = async () => {
      if (!busy()) return;
      try {
        const r = await fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } });
        if (r.redirected) { location.reload(); return; }  // the session ended: the page goes to the login form
        if (r.ok) box.innerHTML = await r.text();
      } catch (e) { /* the network hiccuped: try again at the next tick */ }
      setTimeout(tick, 2000);
    };
    setTimeout(tick, 2000);
  }
});
