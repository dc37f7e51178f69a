// bcrypt.compare alone, `concurrency` at a time for `seconds`: `node bcrypt-worker.js <cost> <concurrency> <seconds>`.
import bcrypt from 'bcrypt';

const [cost, concurrency, seconds] = process.argv.slice(2).map(Number) as [number, number, number];
const password = 'verysecret';
const hash = await bcrypt.hash(password, cost);

const deadline = Date.now() + seconds * 1000;
let completed = 0;
const started = process.hrtime.bigint();
async function worker() {
  while (Date.now() < deadline) {
    if (!(await bcrypt.compare(password, hash)))
      throw new Error('bcrypt.compare rejected the right password');
    completed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  `${JSON.stringify({ cost, concurrency, completed, seconds: elapsed, perSecond: completed / elapsed })}\n`,
);
