// The wave page: live numbers (Server-Sent Events), the countdown, and the Telegram Mini App.
// No inline script anywhere (the Content-Security-Policy forbids it); texts come from the page.
"use strict";

(function () {
  const main = document.getElementById("main");
  const waveId = main && main.dataset.wave;
  if (!waveId) return;

  function setText(id, value) {
    const node = document.getElementById(id);
    if (node && typeof value === "string") node.textContent = value;
  }

  function show(numbers) {
    setText("price", numbers.price_text);
    setText("units", numbers.units_text);
    setText("gap", numbers.gap_text);
    setText("moq", numbers.moq_text);
    const bar = document.getElementById("bar");
    if (bar) bar.value = numbers.percent;
    document.querySelectorAll("#tiers tr[data-tier]").forEach(function (row) {
      row.classList.toggle("current", Number(row.dataset.tier) === numbers.tier);
    });
    main.dataset.units = String(numbers.units);
  }

  // EventSource reconnects by itself; each connection starts with the current numbers.
  if (window.EventSource) {
    const source = new EventSource("/w/" + waveId + "/events");
    source.addEventListener("wave", function (event) {
      show(JSON.parse(event.data));
    });
  }

  // Counted on the server's clock, not the visitor's (which may be off): the time left when the
  // page was made, minus the time since.
  const countdown = document.getElementById("countdown");
  const loaded = Date.now();
  function tick() {
    const atLoad = Date.parse(countdown.dataset.closes) - Date.parse(countdown.dataset.now);
    const left = Math.max(0, atLoad - (Date.now() - loaded));
    const total = Math.floor(left / 1000);
    const days = Math.floor(total / 86400);
    const pad = function (n) { return String(n).padStart(2, "0"); };
    const clock = pad(Math.floor(total / 3600) % 24) + ":" + pad(Math.floor(total / 60) % 60) +
      ":" + pad(total % 60);
    countdown.textContent = (days ? days + " " + countdown.dataset.day + " " : "") + clock;
  }
  if (countdown) { tick(); setInterval(tick, 1000); }

  // Telegram opens a Mini App with its signed launch data in the address's fragment; it is kept
  // for this tab so the other wave pages reached from here act for the same user.
  const launch = new URLSearchParams(location.hash.slice(1));
  let initData = launch.get("tgWebAppData");
  try {
    if (initData) sessionStorage.setItem("tgWebAppData", initData);
    else initData = sessionStorage.getItem("tgWebAppData");
  } catch (blocked) { /* storage may be disabled: the fragment alone still works */ }
  const app = document.getElementById("app");
  if (!initData || !app) return;
  app.hidden = false;
  const result = document.getElementById("app-result");
  const links = document.getElementById("app-links");

  function say(text, failed) {
    result.textContent = text;
    result.classList.toggle("failed", Boolean(failed));
  }

  function act(verb, button) {
    const request = window.crypto && crypto.randomUUID ? crypto.randomUUID() :
      String(Date.now()) + "-" + String(Math.random()).slice(2);
    button.disabled = true;
    say(app.dataset.busy, false);
    fetch("/app/w/" + waveId + "/" + verb, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ initData: initData, request: request }),
      credentials: "omit",
    }).then(function (response) {
      if (response.status === 403) throw new Error(app.dataset.expired);
      if (!response.ok) throw new Error(app.dataset.failed);
      return response.json();
    }).then(function (answer) {
      say(answer.message, false);
      links.replaceChildren();
      answer.links.forEach(function (link) {
        const item = document.createElement("li");
        const anchor = document.createElement("a");
        anchor.href = link.url;
        anchor.textContent = link.label;
        anchor.rel = "noopener";
        item.appendChild(anchor);
        links.appendChild(item);
      });
    }).catch(function (error) {
      say(error.message, true);
    }).finally(function () {
      button.disabled = false;
    });
  }

  app.querySelectorAll("button.act").forEach(function (button) {
    button.addEventListener("click", function () { act(button.dataset.verb, button); });
  });
})();
