import { authRequestSchema } from '@suite/proto/requests';
import type { z } from 'zod';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** An account's email: the rules of proto's auth request, which the broker checks too. */
export const emailField = authRequestSchema.shape.email;

/** Stricter than what login accepts, so new passwords are not trivially short. */
export const newPasswordField = authRequestSchema.shape.password.refine((p) => p.length >= 8, {
  message: 'must be at least 8 characters',
});

/** `POST /authenticate`: proto's auth request, with the email in the one form the users table compares. */
export const credentialsSchema = authRequestSchema.transform(({ email, password }) => ({
  email: normaliseEmail(email),
  password,
}));
export type Credentials = z.infer<typeof credentialsSchema>;
