// Live updates for every signed-in page: one EventSource on /api/events (it reconnects by itself,
// after the server's retry hint). Elements opt in with data attributes:
//   data-live-refresh="URL"   re-fetched (outerHTML replaced) when a matching event arrives, and after a reconnect
//   data-live-project="ID"    matches events whose data.projectId is ID
//   data-live-run="ID"        matches events whose data.runId is ID
//   data-live-container="URL" a list that gains a new element (URL + projectId) when an unknown project appears
//   data-live-runs="URL"      a table body that gains a row at the top (URL + &id=runId) when an unknown run appears;
//                             the server answers 204 for a run outside the list's filters
// Every event is also re-dispatched on document as "live:event" for page scripts.
(() => {
  "use strict";
  const status = document.getElementById("live-status");
  const setStatus = (state, text) => { if (status) { status.dataset.state = state; status.textContent = text; } };
  let dropped = false;

  const refresh = async (element) => {
    const url = element.dataset.liveRefresh;
    if (!url) return;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.status === 404) { element.remove(); return; }
      if (!response.ok) return;
      const html = await response.text();
      element.outerHTML = html;
    } catch { /* the next event or reconnect refreshes it */ }
  };

  const matches = (element, data) =>
    (element.dataset.liveProject !== undefined && String(data.projectId) === element.dataset.liveProject) ||
    (element.dataset.liveRun !== undefined && String(data.runId) === element.dataset.liveRun);

  const addToContainers = async (data) => {
    if (data.projectId === undefined || data.pinned === false) return;
    for (const container of document.querySelectorAll("[data-live-container]")) {
      if (container.querySelector(`[data-live-project="${CSS.escape(String(data.projectId))}"]`)) continue;
      const response = await fetch(container.dataset.liveContainer + encodeURIComponent(data.projectId), { credentials: "same-origin" });
      if (response.ok) {
        container.insertAdjacentHTML("beforeend", await response.text());
        document.getElementById("projects-empty")?.remove();
      }
    }
  };

  const asked = new Set();
  const addToRunLists = async (data) => {
    if (data.runId === undefined) return;
    for (const list of document.querySelectorAll("[data-live-runs]")) {
      const key = String(data.runId);
      if (list.querySelector(`[data-live-run="${CSS.escape(key)}"]`) || asked.has(key)) continue;
      asked.add(key); // one request per run at a time, however many events arrive meanwhile
      try {
        const response = await fetch(`${list.dataset.liveRuns}&id=${encodeURIComponent(key)}`, { credentials: "same-origin" });
        if (response.status === 200 && !list.querySelector(`[data-live-run="${CSS.escape(key)}"]`)) {
          list.insertAdjacentHTML("afterbegin", await response.text());
          document.getElementById("runs-empty")?.remove();
        }
      } catch { /* the next event for this run asks again */ } finally {
        asked.delete(key);
      }
    }
  };

  const handle = (message) => {
    const data = message.data || {};
    document.dispatchEvent(new CustomEvent("live:event", { detail: message }));
    const targets = [...document.querySelectorAll("[data-live-refresh]")].filter((e) => matches(e, data));
    targets.forEach(refresh);
    if (targets.length === 0) {
      addToContainers(data);
      addToRunLists(data);
    }
  };

  const source = new EventSource("/api/events");
  source.addEventListener("ready", () => {
    setStatus("live", "Live");
    if (dropped) {
      // Whatever happened while disconnected is fetched again, so nothing is missed.
      document.querySelectorAll("[data-live-refresh]").forEach(refresh);
      document.dispatchEvent(new CustomEvent("live:reconnected"));
    }
    dropped = false;
  });
  source.onmessage = (event) => {
    try { handle(JSON.parse(event.data)); } catch { /* ignore malformed events */ }
  };
  source.onerror = () => {
    dropped = true;
    setStatus("offline", source.readyState === EventSource.CLOSED ? "Offline" : "Reconnecting…");
  };
  window.addEventListener("pagehide", () => source.close());
})();
