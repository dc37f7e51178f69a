// An OTLP/HTTP receiver that accepts and discards every export, in its own process: `node otlp-sink.js`
// prints {"port"} once listening. With `--tracing on` the services send their spans here, so the bench
// measures what tracing costs the services, not what a trace store costs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const server = http.createServer((req, res) => {
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  req.resume();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
