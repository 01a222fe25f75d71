// The tests' sample preview: plain node:http, no dependencies, listens on $PORT (loopback).
const http = require("node:http");

const port = Number(process.env.PORT || 3000);
const pages = {
  "/": "<h1>Sample app</h1><p>Served from the sandbox.</p><a href=\"about\">About</a>",
  "/about": "<h1>About</h1><p>A tiny app for CodegenCICD's tests.</p>",
};

http
  .createServer((request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    const body = pages[path];
    response.writeHead(body ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html><head><title>Sample app</title></head><body>${body ?? "<h1>Not found</h1>"}</body></html>`);
  })
  .listen(port, "127.0.0.1", () => console.log(`sample app listening on ${port}`));
