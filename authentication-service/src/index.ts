export { type AppDeps, createApp, parseTrustProxy } from './app.js';
export { type Authenticate, createAuthenticator } from './auth/authenticator.js';
export {
  createLoginThrottle,
  type LoginThrottle,
  type ThrottleLimits,
  TooManyAttemptsError,
} from './auth/throttle.js';
export { runCli, USAGE } from './cli.js';
export { type ActivityLog, createActivityLog } from './clients/activity-log.js';
export { type Config, configSchema, readConfig } from './config.js';
export { ensureDatabaseExists, maintenanceTarget } from './db/create-database.js';
export { createDatabase, type Database } from './db/database.js';
export { isConnectionError, isDatabaseOutage } from './db/errors.js';
export { migrations, runMigrations } from './db/migrations.js';
export { openUserDatabase } from './db/open.js';
export { credentialsSchema, MAX_PASSWORD_BYTES, normaliseEmail } from './users/credentials.js';
export { createPasswordHasher, type PasswordHasher } from './users/passwords.js';
export { seedUser } from './users/seed.js';
export { createUserStore, type PublicUser, type UserStore } from './users/store.js';
