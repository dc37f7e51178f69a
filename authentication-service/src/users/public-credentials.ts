/**
 * The page's Test Auth user. Its password goes to every visitor of the page (front-end/public/app.js),
 * so it is seeded without the admin right and can never be given it.
 */
export const DEMO_USER = {
  email: 'demo@example.com',
  password: 'demo-password',
  firstName: 'Demo',
  lastName: 'User',
} as const;

/**
 * Every administrator password ever written in this repository (defaults, deployment files, docs, the
 * tests' own): anyone can read them, so an administrator may have one only in local development.
 */
export const PUBLISHED_PASSWORDS: readonly string[] = ['verysecret', DEMO_USER.password];

/**
 * Why an administrator cannot have this password, or undefined when it can. Local development means
 * the service listens on the loopback address only (BIND_HOST), as `make run` and the tests do, where
 * no other machine reaches the suite.
 */
export function adminPasswordProblem(password: string, localDevelopment: boolean): string | undefined {
  if (localDevelopment || !PUBLISHED_PASSWORDS.includes(password)) return undefined;
  return (
    'is a password published in this repository, which an administrator may have only in local ' +
    'development (BIND_HOST=127.0.0.1); choose your own, e.g. `openssl rand -base64 18`'
  );
}

export const isDemoUser = (normalisedEmail: string): boolean => normalisedEmail === DEMO_USER.email;
