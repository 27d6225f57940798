// zValidator with the app's error shape: a 400 whose message names the first bad field.
import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { AppError } from '../errors.js';

/** Validates the JSON body against `schema`, answering `bad_request` with a plain message. */
export function validateJson<T extends ZodType>(schema: T) {
  return zValidator('json', schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new AppError('bad_request', `${where}${issue.message}`);
    }
  });
}
