/**
 * The checks of `make test-containers` and `make test-swarm` that speak HTTP, MongoDB and a browser;
 * test-containers.sh and test-swarm.sh run it.
 *   tsx project/containers/checks/main.ts images <service>=<image> ...   what each image holds
 *   tsx project/containers/checks/main.ts paths                           every path through the stack
 *   tsx project/containers/checks/main.ts swarm <paths|replicas|kill-during-events|rolling-update>
 * The compose stack's host ports come from the same *_HOST_PORT variables docker-compose.yml reads; the
 * Swarm stack is reached through Caddy's published ports (checks/swarm.ts).
 */
import { fileURLToPath } from 'node:url';
import { openLogReader } from '@suite/test-kit';
import { imageContentChecks } from './image-contents.js';
import { pageCheck } from './page.js';
import { pathChecks } from './paths.js';
import { runChecks } from './report.js';
import { stackFromEnv } from './stack.js';
import { faultChecks, replicaChecks, swarmStack } from './swarm.js';

const lockFile = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));
const [group, ...args] = process.argv.slice(2);

let ok: boolean;
if (group === 'images') {
  const images = Object.fromEntries(args.map((pair) => pair.split('=') as [string, string]));
  ok = await runChecks('images', imageContentChecks(lockFile, images));
} else if (group === 'paths') {
  const stack = stackFromEnv();
  const paths = await pathChecks(stack);
  try {
    ok = await runChecks('stack', [...paths.checks, pageCheck(stack)]);
  } finally {
    await paths.close();
  }
} else if (group === 'swarm') {
  const stack = swarmStack();
  const [which] = args;
  if (which === 'paths') {
    const paths = await pathChecks(stack);
    try {
      ok = await runChecks('swarm paths', [...paths.checks, pageCheck(stack)]);
    } finally {
      await paths.close();
    }
  } else if (which === 'replicas') {
    ok = await replicaChecks(stack);
  } else {
    const logs = await openLogReader(stack.mongoUrl);
    try {
      const check = faultChecks(stack, logs)[which ?? ''];
      if (!check) throw new Error(`unknown swarm check ${which}`);
      ok = await runChecks('swarm faults', [check]);
    } finally {
      await logs.close();
    }
  }
} else {
  throw new Error(`unknown check group ${group}: use images, paths or swarm`);
}
process.exitCode = ok ? 0 : 1;
