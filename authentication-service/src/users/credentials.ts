import { z } from 'zod';

/** bcrypt ignores every byte after the 72nd, so a longer password would be silently shortened. */
const MAX_PASSWORD_BYTES = 72;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailField = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(254)
  .email('is not a valid email address');

const passwordField = z
  .string()
  .min(1, 'is required')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= MAX_PASSWORD_BYTES, {
    message: `must be at most ${MAX_PASSWORD_BYTES} bytes`,
  });

/** Stricter than what login accepts, so new passwords are not trivially short. */
export const newPasswordField = passwordField.refine((p) => p.length >= 8, {
  message: 'must be at least 8 characters',
});

export const credentialsSchema = z.object({
  email: emailField.transform(normaliseEmail),
  password: passwordField,
});
export type Credentials = z.infer<typeof credentialsSchema>;
