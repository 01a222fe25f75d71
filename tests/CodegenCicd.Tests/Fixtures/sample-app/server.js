// The tests' sample preview: plain node:http, no dependencies, listens on $PORT (loopback).
const crypto = require("node:crypto");
const http = require("node:http");

const port = Number(process.env.PORT || 3000);
const pages = {
  "/": "<h1>Sample app</h1><p>Served from the sandbox.</p><a href=\"about\">About</a>",
  "/about": "<h1>About</h1><p>A tiny app for CodegenCICD's tests.</p>",
  // What a real front end does, all by relative URLs: a stylesheet, a script, an API call and a
  // WebSocket. The script writes what worked into the page, for the browser tests to read.
  "/browser":
    "<link rel=\"stylesheet\" href=\"browser.css\"><h1>Browser check</h1>" +
    "<ul><li id=\"stylesheet\">stylesheet: pending</li><li id=\"script\">script: pending</li>" +
    "<li id=\"fetch\">fetch: pending</li><li id=\"post\">post: pending</li><li id=\"websocket\">websocket: pending</li></ul>" +
    "<script src=\"browser.js\"></script>",
};
const assets = {
  "/browser.css": ["text/css", "#stylesheet { color: rgb(0, 128, 0); }"],
  "/browser.js": [
    "text/javascript",
    `const show = (id, text) => { document.getElementById(id).textContent = id + ": " + text; };
show("script", "ok");
show("stylesheet", getComputedStyle(document.getElementById("stylesheet")).color === "rgb(0, 128, 0)" ? "ok" : "not applied");
fetch("api/hello")
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
  .then((body) => show("fetch", body.message), (e) => show("fetch", "failed: " + e.message));
// A JSON POST is not a "simple" request: the browser asks first (a CORS preflight).
fetch("api/hello", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
  .then((body) => show("post", body.message), (e) => show("post", "failed: " + e.message));
const socket = new WebSocket(new URL("echo", document.baseURI).href.replace(/^http/, "ws"));
socket.onopen = () => socket.send("hi");
socket.onmessage = (m) => { show("websocket", m.data); socket.close(); };
socket.onerror = () => show("websocket", "failed");`,
  ],
  "/api/hello": ["application/json", JSON.stringify({ message: "hello from the API" })],
};

const server = http
  .createServer((request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    if (path === "/sign-out") {
      // What many apps do: drop a cookie and send the user to their root.
      response.writeHead(302, { Location: "/", "Set-Cookie": "session=; Path=/; Max-Age=0" });
      response.end();
      return;
    }
    if (assets[path]) {
      const [type, content] = assets[path];
      response.writeHead(200, { "Content-Type": `${type}; charset=utf-8` });
      response.end(content);
      return;
    }
    const body = pages[path];
    response.writeHead(body ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html><head><title>Sample app</title></head><body>${body ?? "<h1>Not found</h1>"}</body></html>`);
  })
  .listen(port, "127.0.0.1", () => console.log(`sample app listening on ${port}`));

// A WebSocket echo on /echo (RFC 6455 handshake; short text frames only, which is what the tests
// send). It says whether a cookie reached it, so the tests can check the proxy strips the admin's.
server.on("upgrade", (request, socket) => {
  if (new URL(request.url, "http://localhost").pathname !== "/echo") {
    socket.destroy();
    return;
  }
  const accept = crypto.createHash("sha1").update(request.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const cookie = request.headers.cookie ? "with a cookie" : "without a cookie";
  socket.on("data", (frame) => {
    if ((frame[0] & 0x0f) === 0x8) {
      socket.end(Buffer.from([0x88, 0x00]));
      return;
    }
    const length = frame[1] & 0x7f;
    const mask = frame.subarray(2, 6);
    const text = Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4])).toString();
    const reply = Buffer.from(`echo: ${text} (${cookie})`);
    socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
  });
});
