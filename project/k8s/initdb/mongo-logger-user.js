// The MongoDB user logger-service connects as: readWrite on its own database and nothing else. The
// mongo image runs this once, on an empty volume, from /docker-entrypoint-initdb.d (as the root user);
// run by hand with mongosh it brings a server made earlier to the same state (project/DEPLOY.md).
// Reads MONGO_INITDB_DATABASE, LOGGER_MONGO_USER and LOGGER_MONGO_PASSWORD from the environment.
const logs = db.getSiblingDB(process.env.MONGO_INITDB_DATABASE || 'logs');
const user = process.env.LOGGER_MONGO_USER;
const pwd = process.env.LOGGER_MONGO_PASSWORD;
if (!user || !pwd) throw new Error('LOGGER_MONGO_USER and LOGGER_MONGO_PASSWORD must be set');
const roles = [{ role: 'readWrite', db: logs.getName() }];
if (logs.getUser(user)) logs.updateUser(user, { pwd, roles });
else logs.createUser({ user, pwd, roles });
