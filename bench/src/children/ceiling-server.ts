// A reference server in its own process: `node ceiling-server.js http|express`, prints {"port"} once listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

function bareServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let data: unknown = null;
      try {
        data = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
      } catch {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":true,"message":"malformed JSON"}');
        return;
      }
      const body = JSON.stringify({ error: false, message: 'ok', data });
      res
        .writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        .end(body);
    });
  });
}

function expressServer(): http.Server {
  const app = express();
  app.use(express.json({ limit: '100kb' }));
  app.post('/', (req, res) => {
    res.status(202).json({ error: false, message: 'ok', data: req.body });
  });
  return http.createServer(app);
}

const kind = process.argv[2];
const server = kind === 'express' ? expressServer() : bareServer();
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
