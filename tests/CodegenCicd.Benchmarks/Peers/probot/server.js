// Probot's webhook server as a peer in the peers benchmark (PeersBenchmark.cs starts it):
// Probot's own Node middleware (signature check, event routing) with a no-op pull_request handler;
// it stores nothing. Configured the way a Probot app is: APP_ID, PRIVATE_KEY (a throwaway key made
// by the benchmark; nothing calls GitHub), WEBHOOK_SECRET, LOG_LEVEL; PORT to listen on (loopback).
import { createServer } from "node:http";
import { createNodeMiddleware, createProbot } from "probot";

const port = Number(process.env.PORT);
const middleware = await createNodeMiddleware((app) => {
  app.on("pull_request", async () => {});
}, { probot: createProbot() });

// GET /healthz answers once the middleware is loaded; the benchmark waits for it before the load starts.
const notWebhook = (request, response) => response.writeHead(request.url === "/healthz" ? 200 : 404).end();
createServer((request, response) => middleware(request, response, () => notWebhook(request, response)))
  .listen(port, "127.0.0.1", () => console.log(`Probot's webhook server on http://127.0.0.1:${port}`));
