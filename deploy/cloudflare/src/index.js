// CodegenCICD's webhook gateway: GitHub posts here instead of to the app. Each delivery whose
// signature checks out is kept durably (raw body in R2, a pointer message on a Queue) before GitHub
// hears 202, so a delivery sent while the app is down, restarting or unreachable is not lost.
//
//   MODE = "push": this Worker's queue consumer forwards each delivery to ORIGIN_URL, bytes and
//                  GitHub's headers unchanged, retrying with back-off; the dead-letter queue keeps
//                  what never got through.
//   MODE = "pull": nothing is pushed. The app pulls pointers with Cloudflare's HTTP pull-consumer
//                  API and reads each body from GET /deliveries/{guid}: it needs no inbound port.
//
// Bindings: BODIES (R2), DELIVERIES (Queue); vars ORIGIN_URL, MODE, RETRY_BASE_SECONDS (optional);
// secret GITHUB_WEBHOOK_SECRET.

const MAX_BODY_BYTES = 25 * 1024 * 1024; // GitHub never sends more
const BODY_PREFIX = "deliveries/";
const LAST_DELIVERY_KEY = "meta/last-delivery.json";
const READ_TOKEN_LABEL = "codegencicd-gateway-read";
const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60; // Cloudflare's cap on a message's retry delay
const GUID = /^[A-Za-z0-9-]{1,64}$/;
const encoder = new TextEncoder();

// The headers GitHub sends that the app reads; forwarded exactly as received.
const FORWARDED_HEADERS = [
  "content-type",
  "user-agent",
  "x-github-delivery",
  "x-github-event",
  "x-github-hook-id",
  "x-github-hook-installation-target-id",
  "x-github-hook-installation-target-type",
  "x-hub-signature",
  "x-hub-signature-256",
];

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/health") {
      return health(env);
    }
    const delivery = url.pathname.match(/^\/deliveries\/([^/]+)$/);
    if (delivery) {
      return readOrForget(request, env, decodeURIComponent(delivery[1]));
    }
    if (request.method === "POST") {
      return intake(request, env);
    }
    return problem(405, "GitHub posts signed webhook deliveries here; GET /health reports the gateway's state.");
  },

  async queue(batch, env) {
    if (mode(env) !== "push") {
      // A pull-mode queue has an HTTP consumer; should this Worker be attached anyway, it must not
      // swallow messages the app is meant to pull.
      for (const message of batch.messages) message.retry({ delaySeconds: retryDelay(env, message.attempts) });
      return;
    }
    for (const message of batch.messages) {
      await forward(message, env);
    }
  },
};

async function intake(request, env) {
  const secret = env.GITHUB_WEBHOOK_SECRET;
  if (!secret) {
    return problem(503, "GITHUB_WEBHOOK_SECRET is not set on the gateway: deliveries are refused.");
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return problem(413, "Payloads over 25 MiB are refused (GitHub never sends them).");
  }
  // Unsigned requests are refused before the body is read: strangers cost nothing.
  const signature = request.headers.get("x-hub-signature-256");
  if (!signature) {
    return problem(401, "Missing X-Hub-Signature-256: only signed deliveries are accepted.");
  }
  const body = await request.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) {
    return problem(413, "Payloads over 25 MiB are refused (GitHub never sends them).");
  }
  if (!(await signatureMatches(secret, body, signature))) {
    return problem(401, "X-Hub-Signature-256 does not match: check that the App's webhook secret matches the gateway's.");
  }
  const guid = request.headers.get("x-github-delivery") ?? "";
  const event = request.headers.get("x-github-event") ?? "";
  if (!GUID.test(guid) || !event || event.length > 64) {
    return problem(400, "X-GitHub-Event and X-GitHub-Delivery (a GUID) are required.");
  }
  const headers = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const receivedAt = new Date().toISOString();
  // The body goes to R2 first: a pointer on the queue must never point at nothing. Bodies can be
  // far larger than a queue message (128 KB), so the message carries only the pointer.
  await env.BODIES.put(BODY_PREFIX + guid, body, {
    httpMetadata: { contentType: headers["content-type"] ?? "application/json" },
    customMetadata: { event, receivedAt },
  });
  // "json" is the content type an HTTP pull consumer can read (the default "v8" is opaque to it).
  await env.DELIVERIES.send({ guid, event, signature, headers, size: body.byteLength, receivedAt }, { contentType: "json" });
  await env.BODIES.put(LAST_DELIVERY_KEY, JSON.stringify({ guid, event, receivedAt }), {
    httpMetadata: { contentType: "application/json" },
  });
  return Response.json({ deliveryId: guid, status: "queued", mode: mode(env) }, { status: 202 });
}

/** Push mode: one delivery to the origin; retried with back-off until it answers 2xx. */
async function forward(message, env) {
  const { guid, headers } = message.body;
  const stored = await env.BODIES.get(BODY_PREFIX + guid);
  if (stored === null) {
    // Its body is gone only after an earlier attempt was acknowledged: nothing left to send.
    message.ack();
    return;
  }
  let status = 0;
  try {
    const response = await fetch(env.ORIGIN_URL, { method: "POST", headers, body: await stored.arrayBuffer() });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    console.log(`delivery ${guid}: origin unreachable (${error}); retrying`);
  }
  if (status >= 200 && status < 300) {
    await env.BODIES.delete(BODY_PREFIX + guid);
    message.ack();
    return;
  }
  // 4xx is retried too: a webhook secret the operator has yet to fix is no reason to lose the
  // delivery. Past max_retries the queue moves it to the dead-letter queue; its body stays in R2.
  if (status) console.log(`delivery ${guid}: origin answered ${status}; retrying`);
  message.retry({ delaySeconds: retryDelay(env, message.attempts) });
}

/** Pull mode: the app reads a body (GET) and forgets it once stored (DELETE). */
async function readOrForget(request, env, guid) {
  if (!(await readTokenMatches(env, request.headers.get("authorization")))) {
    return problem(401, "A bearer token derived from the webhook secret is required.");
  }
  if (!GUID.test(guid)) {
    return problem(400, "Not a delivery GUID.");
  }
  if (request.method === "DELETE") {
    await env.BODIES.delete(BODY_PREFIX + guid);
    return new Response(null, { status: 204 });
  }
  if (request.method !== "GET") {
    return problem(405, "GET reads a delivery's body; DELETE forgets it.");
  }
  const stored = await env.BODIES.get(BODY_PREFIX + guid);
  if (stored === null) {
    return problem(404, `No body is kept for delivery ${guid}.`);
  }
  return new Response(stored.body, { headers: { "content-type": stored.httpMetadata?.contentType ?? "application/json" } });
}

/** The mode, the backlog (bodies accepted and not yet acknowledged) and the last delivery accepted. */
async function health(env) {
  let backlog = 0;
  let more = false;
  let cursor;
  do {
    const page = await env.BODIES.list({ prefix: BODY_PREFIX, cursor, limit: 1000 });
    backlog += page.objects.length;
    more = page.truncated;
    cursor = page.cursor;
  } while (more && backlog < 10000);
  const last = await env.BODIES.get(LAST_DELIVERY_KEY);
  return Response.json({
    status: "ok",
    mode: mode(env),
    backlog,
    backlogTruncated: more,
    lastDelivery: last === null ? null : await last.json(),
    secretConfigured: Boolean(env.GITHUB_WEBHOOK_SECRET),
  });
}

async function signatureMatches(secret, body, header) {
  const hex = header.toLowerCase().startsWith("sha256=") ? header.slice(7) : "";
  const received = fromHex(hex);
  if (received === null || received.byteLength !== 32) return false;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  // subtle.verify compares in constant time.
  return crypto.subtle.verify("HMAC", key, received, body);
}

/**
 * The token the app presents for GET/DELETE /deliveries: hex HMAC-SHA256 of a fixed label under the
 * webhook secret. Both sides derive it, so there is no second secret to keep in step, and the
 * webhook secret itself never travels.
 */
export async function readToken(secret) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(READ_TOKEN_LABEL)));
}

async function readTokenMatches(env, authorization) {
  if (!env.GITHUB_WEBHOOK_SECRET || !authorization?.startsWith("Bearer ")) return false;
  const expected = encoder.encode(await readToken(env.GITHUB_WEBHOOK_SECRET));
  const given = encoder.encode(authorization.slice(7).trim());
  if (given.byteLength !== expected.byteLength) return false;
  // Constant time: hash both under a throwaway key and compare with verify.
  const key = await crypto.subtle.importKey("raw", crypto.getRandomValues(new Uint8Array(32)), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  return crypto.subtle.verify("HMAC", key, await crypto.subtle.sign("HMAC", key, expected), given);
}

function retryDelay(env, attempts) {
  const configured = Number(env.RETRY_BASE_SECONDS);
  const base = Number.isFinite(configured) && configured >= 0 ? configured : 10;
  return Math.min(Math.round(base * 2 ** Math.max(0, (attempts ?? 1) - 1)), MAX_RETRY_DELAY_SECONDS);
}

function mode(env) {
  return env.MODE === "pull" ? "pull" : "push";
}

function fromHex(hex) {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function toHex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function problem(status, detail) {
  return Response.json({ status, detail }, { status, headers: { "content-type": "application/problem+json" } });
}
