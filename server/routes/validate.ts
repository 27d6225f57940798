// zValidator with the app's error shape: a 400 whose message names the first bad field.
import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { AppError } from '../errors.js';

const jsonMediaType = /^application\/([a-z-.]+\+)?json(\s*;.*)?$/i;

/**
 * Validates the JSON body against `schema`, answering `bad_request` with a plain message, and
 * `unsupported_media_type` when the body is not declared as JSON (the validator would otherwise see
 * an empty object and complain about missing fields).
 */
export function validateJson<T extends ZodType>(schema: T) {
  const validator = zValidator('json', schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new AppError('bad_request', `${where}${issue.message}`);
    }
  });
  const checked: typeof validator = async (c, next) => {
    if (!jsonMediaType.test(c.req.header('content-type') ?? '')) throw new AppError('unsupported_media_type');
    return validator(c, next);
  };
  return checked;
}
