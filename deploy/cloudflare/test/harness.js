// Runs the gateway Worker in workerd (through Miniflare) with a local R2 bucket and local queues,
// exactly as wrangler.toml binds them. In pull mode the fake pull API (fake-pull-api.js) is the
// queue's consumer; in push mode the gateway consumes its own queue, as deployed.
import { Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";

export const QUEUE = "webhook-deliveries";
export const DEAD_LETTERS = "webhook-deliveries-dlq";
export const QUEUE_ID = "0123456789abcdef0123456789abcdef";
export const API_TOKEN = "test-cloudflare-token";
const script = (name) => fileURLToPath(new URL(name, import.meta.url));

export async function startGateway({ mode, originUrl = "http://127.0.0.1:9/", secret, retryBaseSeconds = 0, maxRetries = 10 }) {
  const consumer = { maxBatchSize: 10, maxBatchTimeout: 0, maxRetries, deadLetterQueue: DEAD_LETTERS };
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    workers: [
      {
        name: "gateway",
        modules: true,
        scriptPath: script("../src/index.js"),
        compatibilityDate: "2025-04-01",
        r2Buckets: ["BODIES"],
        queueProducers: { DELIVERIES: { queueName: QUEUE } },
        queueConsumers: mode === "push" ? { [QUEUE]: consumer } : undefined,
        bindings: { MODE: mode, ORIGIN_URL: originUrl, GITHUB_WEBHOOK_SECRET: secret, RETRY_BASE_SECONDS: String(retryBaseSeconds) },
      },
      {
        name: "fake-pull-api",
        modules: true,
        scriptPath: script("fake-pull-api.js"),
        compatibilityDate: "2025-04-01",
        // Pull mode: it is the queue's consumer. Push mode: it consumes the dead-letter queue, so a
        // test can see what never got through.
        queueConsumers: mode === "pull" ? { [QUEUE]: consumer } : { [DEAD_LETTERS]: { maxBatchTimeout: 0 } },
        bindings: { API_TOKEN, QUEUE_ID, QUEUE_NAME: QUEUE },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
    ],
  });
  const url = await mf.ready;
  const pullApiUrl = await mf.unsafeGetDirectURL("fake-pull-api");
  return { mf, url: new URL(url), pullApiUrl: new URL(pullApiUrl) };
}
