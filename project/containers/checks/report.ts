/** Runs named checks one after another and reports each on its own line, so a failure names its check. */
export interface Check {
  name: string;
  run(): Promise<void>;
}

export async function runChecks(group: string, checks: Check[]): Promise<boolean> {
  let passed = 0;
  const failed: string[] = [];
  for (const check of checks) {
    try {
      await check.run();
      passed += 1;
      process.stdout.write(`ok - ${check.name}\n`);
    } catch (error) {
      failed.push(check.name);
      process.stdout.write(`FAILED - ${check.name}: ${error instanceof Error ? error.message : error}\n`);
    }
  }
  process.stdout.write(`${group}: ${passed} passed, ${failed.length} failed\n`);
  if (failed.length > 0) process.stdout.write(`failed checks: ${failed.join('; ')}\n`);
  return failed.length === 0;
}
