// Small behaviours for forms: tabs (arrow keys, no reload), confirmations, and streaming a
// form's plain-text answer into a <pre>. Without JavaScript every panel still works as a link.
(() => {
  "use strict";
  for (const list of document.querySelectorAll("[data-tabs]")) {
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const current = document.querySelector("[data-current-tab]");
    const select = (tab, focus) => {
      const id = tab.dataset.tab;
      for (const t of tabs) {
        t.setAttribute("aria-selected", String(t === tab));
        t.tabIndex = t === tab ? 0 : -1;
      }
      for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== id;
      const save = document.querySelector("[data-save-actions]");
      if (save) save.hidden = id === "secrets";
      if (current) current.value = id;
      history.replaceState(null, "", `?tab=${id}`);
      if (focus) tab.focus();
    };
    tabs.forEach((tab, i) => {
      tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
      tab.addEventListener("click", (e) => { e.preventDefault(); select(tab, false); });
      tab.addEventListener("keydown", (e) => {
        const next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : e.key === "ArrowLeft" ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
        if (next) { e.preventDefault(); select(next, true); }
      });
    });
  }

  document.addEventListener("submit", async (e) => {
    const form = e.target;
    const question = e.submitter?.dataset.confirm || form.dataset.confirm;
    if (question && !window.confirm(question)) { e.preventDefault(); return; }
    const target = form.dataset.streamTo && document.getElementById(form.dataset.streamTo);
    if (!target) return;
    e.preventDefault();
    target.hidden = false;
    target.textContent = "";
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        target.textContent += decoder.decode(value, { stream: true });
      }
      if (!response.ok) target.textContent += `\n(The server answered ${response.status}.)`;
    } catch (error) {
      target.textContent += `\nThe connection was lost: ${error}`;
    } finally {
      if (button) button.disabled = false;
    }
  });
})();
