// The gateway Worker in the real Workers runtime (workerd, through Miniflare), no network.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { startGateway, API_TOKEN, QUEUE_ID } from "./harness.js";

const SECRET = "gateway-test-secret";
const running = [];
after(async () => {
  for (const stop of running) await stop();
});

async function gateway(options) {
  const started = await startGateway({ secret: SECRET, ...options });
  running.push(() => started.mf.dispose());
  return started;
}

/** A local origin that records what reaches it; answers `status()` (503 while "down"). */
async function origin(status = () => 202) {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      const code = status();
      if (code < 300) received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(code).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  running.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${server.address().port}/api/github/webhooks`, received };
}

function signed(body, { secret = SECRET, guid = randomUUID(), event = "pull_request" } = {}) {
  return {
    guid,
    headers: {
      "content-type": "application/json",
      "x-github-delivery": guid,
      "x-github-event": event,
      "x-github-hook-id": "4242",
      "x-hub-signature-256": "sha256=" + createHmac("sha256", secret).update(body).digest("hex"),
    },
  };
}

function payload(bytes) {
  // Whitespace and key order a re-serialiser would not keep: the forwarded bytes must be these.
  const filler = "x".repeat(Math.max(0, bytes - 80));
  return Buffer.from(`{ "action":"opened",  "number" : 7, "filler": "${filler}" }\n`);
}

async function post(url, body, headers) {
  return fetch(url, { method: "POST", body, headers });
}

async function until(what, condition, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function health(gw) {
  return (await fetch(new URL("/health", gw.url))).json();
}

test("unsigned and wrongly signed deliveries are refused with 401 and nothing is kept", async () => {
  const gw = await gateway({ mode: "pull" });
  const body = payload(200);
  const unsigned = signed(body);
  delete unsigned.headers["x-hub-signature-256"];
  assert.equal((await post(gw.url, body, unsigned.headers)).status, 401);
  assert.equal((await post(gw.url, body, signed(body, { secret: "not-the-secret" }).headers)).status, 401);
  const truncated = signed(body);
  truncated.headers["x-hub-signature-256"] = truncated.headers["x-hub-signature-256"].slice(0, 40);
  assert.equal((await post(gw.url, body, truncated.headers)).status, 401);
  // Signed over other bytes: one changed byte in the body.
  const tampered = Buffer.from(body);
  tampered[3] ^= 1;
  assert.equal((await post(gw.url, tampered, signed(body).headers)).status, 401);
  assert.equal((await health(gw)).backlog, 0);
});

test("a body over 25 MiB is refused with 413", async () => {
  const gw = await gateway({ mode: "pull" });
  const body = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
  // Streamed without a declared length, so the Worker counts the bytes itself.
  const streamed = new ReadableStream({ start(c) { c.enqueue(body); c.close(); } });
  const response = await fetch(gw.url, { method: "POST", body: streamed, duplex: "half", headers: signed(body).headers });
  assert.equal(response.status, 413);
  assert.equal((await health(gw)).backlog, 0);
});

test("push: a 300 KB delivery reaches the origin once, bytes and GitHub's headers unchanged, then its body is deleted", async () => {
  const target = await origin();
  const gw = await gateway({ mode: "push", originUrl: target.url });
  const body = payload(300 * 1024);
  const { guid, headers } = signed(body);
  const accepted = await post(gw.url, body, headers);
  assert.equal(accepted.status, 202);
  assert.equal((await accepted.json()).deliveryId, guid);
  await until("the origin to receive it", () => target.received.length === 1);
  const [got] = target.received;
  assert.ok(got.body.equals(body), "forwarded bytes differ from what GitHub sent");
  for (const name of Object.keys(headers)) assert.equal(got.headers[name], headers[name], name);
  await until("the body to be deleted", async () => (await health(gw)).backlog === 0);
  assert.equal(target.received.length, 1);
});

test("push: while the origin answers 503 the delivery waits; once it is up it arrives exactly once", async () => {
  let up = false;
  let refused = 0;
  const target = await origin(() => (up ? 202 : (refused++, 503)));
  const gw = await gateway({ mode: "push", originUrl: target.url });
  const body = payload(1000);
  const { guid, headers } = signed(body);
  assert.equal((await post(gw.url, body, headers)).status, 202);
  await until("two refused attempts", () => refused >= 2);
  const waiting = await health(gw);
  assert.equal(waiting.backlog, 1);
  assert.equal(waiting.lastDelivery.guid, guid);
  up = true;
  await until("the delivery to arrive", () => target.received.length === 1);
  await until("the body to be deleted", async () => (await health(gw)).backlog === 0);
  assert.ok(target.received[0].body.equals(body));
  assert.equal(target.received[0].headers["x-github-delivery"], guid);
  assert.equal(target.received.length, 1);
});

test("pull: the pointer is pulled, the body read with the derived token, then forgotten and acked", async () => {
  const gw = await gateway({ mode: "pull" });
  const body = payload(200 * 1024);
  const { guid, headers } = signed(body, { event: "check_suite" });
  assert.equal((await post(gw.url, body, headers)).status, 202);

  const api = (path, input) => fetch(new URL(`/client/v4/accounts/acct/queues/${QUEUE_ID}/messages/${path}`, gw.pullApiUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(input),
  }).then((r) => r.json());
  const pulled = await until("the pointer on the queue", async () => {
    const reply = await api("pull", { batch_size: 10, visibility_timeout_ms: 60000 });
    return reply.result.messages.length ? reply.result.messages : null;
  });
  assert.equal(pulled.length, 1);
  const pointer = JSON.parse(pulled[0].body);
  assert.equal(pointer.guid, guid);
  assert.equal(pointer.event, "check_suite");
  assert.equal(pointer.signature, headers["x-hub-signature-256"]);
  assert.equal(pointer.headers["x-github-hook-id"], "4242");

  const bodyUrl = new URL(`/deliveries/${guid}`, gw.url);
  assert.equal((await fetch(bodyUrl)).status, 401);
  assert.equal((await fetch(bodyUrl, { headers: { authorization: "Bearer wrong" } })).status, 401);
  const token = createHmac("sha256", SECRET).update("codegencicd-gateway-read").digest("hex");
  const read = await fetch(bodyUrl, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(read.status, 200);
  assert.ok(Buffer.from(await read.arrayBuffer()).equals(body), "the body read back differs from what GitHub sent");
  const status = await health(gw);
  assert.equal(status.mode, "pull");
  assert.equal(status.backlog, 1);

  assert.equal((await fetch(bodyUrl, { method: "DELETE", headers: { authorization: `Bearer ${token}` } })).status, 204);
  assert.equal((await fetch(bodyUrl, { headers: { authorization: `Bearer ${token}` } })).status, 404);
  assert.equal((await api("ack", { acks: [{ lease_id: pulled[0].lease_id }] })).result.ackCount, 1);
  assert.equal((await api("pull", { batch_size: 10, visibility_timeout_ms: 1 })).result.messages.length, 0);
  assert.equal((await health(gw)).backlog, 0);
});

test("pull: nothing is pushed to the origin", async () => {
  const target = await origin();
  const gw = await gateway({ mode: "pull", originUrl: target.url });
  const body = payload(500);
  assert.equal((await post(gw.url, body, signed(body).headers)).status, 202);
  await until("the pointer to reach the pull API", async () => {
    const reply = await fetch(new URL(`/client/v4/accounts/a/queues/${QUEUE_ID}/messages/pull`, gw.pullApiUrl), {
      method: "POST", headers: { authorization: `Bearer ${API_TOKEN}` }, body: JSON.stringify({ visibility_timeout_ms: 1 }),
    }).then((r) => r.json());
    return reply.result.messages.length === 1;
  });
  assert.equal(target.received.length, 0);
});

test("push: a delivery the origin never accepts ends on the dead-letter queue, its body kept", async () => {
  const target = await origin(() => 503);
  const gw = await gateway({ mode: "push", originUrl: target.url, maxRetries: 1 });
  const body = payload(2000);
  const { guid } = signed(body);
  assert.equal((await post(gw.url, body, signed(body, { guid }).headers)).status, 202);
  const dead = await until("the pointer on the dead-letter queue", async () => {
    const reply = await fetch(new URL(`/client/v4/accounts/a/queues/${QUEUE_ID}/messages/pull`, gw.pullApiUrl), {
      method: "POST", headers: { authorization: `Bearer ${API_TOKEN}` }, body: JSON.stringify({ visibility_timeout_ms: 60000 }),
    }).then((r) => r.json());
    return reply.result.messages[0];
  });
  assert.equal(JSON.parse(dead.body).guid, guid);
  assert.equal((await health(gw)).backlog, 1);
  assert.equal(target.received.length, 0);
});
