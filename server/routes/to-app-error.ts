// Maps anything thrown inside a handler to an AppError that is safe to show.
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../errors.js';

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError('payload_too_large');
    if (error.status === 400) return new AppError(/json/i.test(error.message) ? 'bad_request:json' : 'bad_request', /json/i.test(error.message) ? undefined : error.message.slice(0, 200) || undefined);
    if (error.status === 404) return new AppError('not_found:route');
    if (error.status === 401) return new AppError('unauthorized');
  }
  return new AppError('internal');
}
