import { readJsonBody, sendOk } from '@suite/toolbox';
import type { IRouter } from 'express';
import { z } from 'zod';
import type { UserStore } from '../users/store.js';

/** The account as the logger saw it at sign-in: its id and its `updated_at` then. */
const adminCheckSchema = z.object({
  id: z
    .number({ required_error: 'is required', invalid_type_error: 'must be a number' })
    .int()
    .positive()
    .max(2_147_483_647),
  updated_at: z
    .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters'),
});

/**
 * `POST /admin-check`: whether an admin session the logger opened still stands. It does while the
 * account exists, is active, holds the admin right and has not changed since sign-in: resetting its
 * password, revoking (even re-granting) its right or deleting it each move or remove `updated_at`.
 * The answer says only yes or no, so a caller without the sign-in's `updated_at` learns nothing.
 */
export function adminCheckRoutes(router: IRouter, users: Pick<UserStore, 'findById'>): void {
  router.post('/admin-check', async (req, res) => {
    const { id, updated_at: version } = readJsonBody(req, adminCheckSchema);
    const user = await users.findById(id);
    const holds = user?.active === true && user.admin && user.updated_at.toISOString() === version;
    sendOk(res, holds ? 'admin right held' : 'admin right not held', { admin: holds });
  });
}
