import { randomBytes } from 'node:crypto';
import type { Logger } from '@suite/toolbox';

/**
 * Every SESSION_SECRET value ever written in this repository (config defaults, deployment files,
 * `.env.example`, tests): anyone can read them, so a service given one refuses to start.
 */
export const PUBLIC_SESSION_SECRETS: readonly string[] = [
  'dev-only-session-secret-change-me',
  'change-me-to-a-long-random-string',
  'test-session-secret-0123456789',
];

const SESSION_SECRET_MIN_CHARS = 32;

/** Why a configured secret cannot be used, or undefined when it can. */
export function sessionSecretProblem(secret: string): string | undefined {
  if (PUBLIC_SESSION_SECRETS.includes(secret)) {
    return 'is a value published in this repository; make your own with `openssl rand -hex 32`';
  }
  if (secret.length < SESSION_SECRET_MIN_CHARS) {
    return `must be at least ${SESSION_SECRET_MIN_CHARS} characters (e.g. \`openssl rand -hex 32\`)`;
  }
  return undefined;
}

/** The configured secret, or a random one for this process only (said once, since sessions then end with it). */
export function sessionSecretOrRandom(configured: string | undefined, logger: Logger): string {
  if (configured) return configured;
  logger.warn(
    'SESSION_SECRET is not set: using a random secret, so admin sessions end when this process stops and are not shared with other replicas',
  );
  return randomBytes(32).toString('hex');
}
