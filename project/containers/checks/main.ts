/**
 * The checks of `make test-containers` that speak HTTP, MongoDB and a browser; test-containers.sh runs it.
 *   tsx project/containers/checks/main.ts images <service>=<image> ...   what each image holds
 *   tsx project/containers/checks/main.ts paths                           every path through the stack
 * The stack's host ports come from the same *_HOST_PORT variables docker-compose.yml reads.
 */
import { fileURLToPath } from 'node:url';
import { imageContentChecks } from './image-contents.js';
import { pageCheck } from './page.js';
import { pathChecks } from './paths.js';
import { runChecks } from './report.js';
import { stackFromEnv } from './stack.js';

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
} else {
  throw new Error(`unknown check group ${group}: use images or paths`);
}
process.exitCode = ok ? 0 : 1;
