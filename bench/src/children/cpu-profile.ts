// Preloaded with `--import` into each service: Node 20 refuses --cpu-prof in NODE_OPTIONS, so the
// profile is taken through the inspector and written when the process exits.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // The main-thread session answers synchronously, so the profile is written before the process is gone.
  process.once('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const name = process.argv[1]?.split('/').slice(-3, -2)[0] ?? 'node';
      writeFileSync(join(dir, `${name}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
