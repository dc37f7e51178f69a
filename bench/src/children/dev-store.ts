// The MongoDB stand-in as `make run` starts it (a data directory with its journal and snapshots), in
// its own process as a MongoDB server would be: `node dev-store.js <data dir>` prints {"url"} once
// listening and closes the store on SIGTERM. In the bench's own process it would share one event
// loop with the event path's publisher and charge each to the other.
import { startMongoStandin } from '@suite/mongo-standin';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: node dev-store.js <data dir>');
const standin = await startMongoStandin({ port: 0, dataDir });
process.stdout.write(`${JSON.stringify({ url: standin.url })}\n`);
process.once('SIGTERM', () => {
  standin.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
