// Test double for Cloudflare's HTTP pull-consumer API, run in workerd beside the gateway. Cloudflare's
// own pull API cannot run locally, so this Worker is the queue's consumer instead: it takes the
// messages the gateway really sent to the (real, local) queue and serves them in the v4 envelope
// the app pulls from: POST …/queues/{id}/messages/pull (leases with a visibility timeout) and
// POST …/queues/{id}/messages/ack (acks and retries by lease id). GET …/queues lists the queue.
// In push mode it consumes the dead-letter queue instead, and serves that.
const held = []; // { id, body, attempts, timestamp_ms, visibleAt, lease_id }
let leases = 0;

export default {
  async queue(batch) {
    for (const message of batch.messages) {
      // Cloudflare returns a json-content-type message's body as its JSON text.
      held.push({ id: message.id, body: JSON.stringify(message.body), attempts: 0, timestamp_ms: message.timestamp.getTime(), visibleAt: 0 });
      message.ack();
    }
  },

  async fetch(request, env) {
    if (request.headers.get("authorization") !== `Bearer ${env.API_TOKEN}`) {
      return envelope(null, 403, [{ code: 10000, message: "Authentication error" }]);
    }
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && /\/accounts\/[^/]+\/queues$/.test(path)) {
      return envelope([{ queue_id: env.QUEUE_ID, queue_name: env.QUEUE_NAME }]);
    }
    const match = path.match(/\/accounts\/[^/]+\/queues\/([^/]+)\/messages\/(pull|ack)$/);
    if (request.method !== "POST" || !match) return envelope(null, 404, [{ code: 7003, message: "No route for that URI" }]);
    if (match[1] !== env.QUEUE_ID) return envelope(null, 404, [{ code: 11000, message: "Queue does not exist" }]);
    const input = await request.json();
    const now = Date.now();
    if (match[2] === "pull") {
      const visibility = input.visibility_timeout_ms ?? 30000;
      const messages = held.filter((m) => m.visibleAt <= now).slice(0, input.batch_size ?? 5);
      for (const m of messages) {
        m.attempts++;
        m.visibleAt = now + visibility;
        m.lease_id = `lease-${++leases}`;
      }
      const out = messages.map(({ id, body, attempts, timestamp_ms, lease_id }) => ({ id, body, attempts, timestamp_ms, lease_id, metadata: { "CF-Content-Type": "json" } }));
      return envelope({ message_backlog_count: held.length, messages: out });
    }
    let ackCount = 0;
    for (const { lease_id } of input.acks ?? []) {
      const at = held.findIndex((m) => m.lease_id === lease_id);
      if (at >= 0) { held.splice(at, 1); ackCount++; }
    }
    for (const { lease_id, delay_seconds } of input.retries ?? []) {
      const m = held.find((x) => x.lease_id === lease_id);
      if (m) m.visibleAt = now + (delay_seconds ?? 0) * 1000;
    }
    return envelope({ ackCount, retryCount: (input.retries ?? []).length, warnings: [] });
  },
};

function envelope(result, status = 200, errors = []) {
  return Response.json({ success: errors.length === 0, errors, messages: [], result }, { status });
}
