// For the app's end-to-end tests: starts the gateway in workerd and prints one JSON line with its
// URL and the fake pull API's; stops when stdin closes (the test process ended or let go).
import { startGateway, API_TOKEN, QUEUE, QUEUE_ID } from "./harness.js";

const [mode, originUrl] = process.argv.slice(2);
const secret = process.env.GITHUB_WEBHOOK_SECRET;
if (!secret || !["push", "pull"].includes(mode)) {
  console.error("usage: GITHUB_WEBHOOK_SECRET=… node run-gateway.js push|pull [ORIGIN_URL]");
  process.exit(2);
}
const gateway = await startGateway({ mode, originUrl, secret, retryBaseSeconds: 1 });
console.log(JSON.stringify({ url: gateway.url.href, pullApiUrl: gateway.pullApiUrl.href, apiToken: API_TOKEN, queueId: QUEUE_ID, queueName: QUEUE }));
process.stdin.resume();
process.stdin.on("end", async () => {
  await gateway.mf.dispose();
  process.exit(0);
});
