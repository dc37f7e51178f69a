// Prints N distinct TCP ports that are free on this machine right now (the kernel picks them).
import { createServer } from 'node:net';

const count = Number(process.argv[2] ?? 1);
const servers = [];
for (let i = 0; i < count; i += 1) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '0.0.0.0', resolve));
  servers.push(server);
}
console.log(servers.map((s) => s.address().port).join(' '));
for (const server of servers) server.close();
