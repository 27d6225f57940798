// One error type with typed codes; the app's onError turns it into `{error: {code, message}}`.

const statuses = {
  bad_request: 400,
  'bad_request:json': 400,
  'not_found:document': 404,
  'not_found:route': 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unauthorized: 401,
  admin_disabled: 404,
  'conflict:reindex_running': 409,
  reindex_failed: 500,
  index_unavailable: 503,
  llm_unavailable: 502,
  llm_timeout: 504,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof statuses;

const defaultMessages: Record<ErrorCode, string> = {
  bad_request: 'The request is not valid.',
  'bad_request:json': 'The request body is not valid JSON.',
  'not_found:document': 'No document with that id.',
  'not_found:route': 'No such endpoint.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Send the request body as application/json.',
  rate_limited: 'Too many requests; wait a moment and try again.',
  unauthorized: 'Missing or wrong credentials.',
  admin_disabled: 'Admin routes are off: start the server with ADMIN_TOKEN set.',
  'conflict:reindex_running': 'A reindex is already running; wait for it to finish.',
  reindex_failed: 'The index was not rebuilt.',
  index_unavailable: 'The search index is not available.',
  llm_unavailable: 'The language model did not answer.',
  llm_timeout: 'The language model took too long to answer.',
  internal: 'Something went wrong on the server.',
};

/** An error whose code and message are safe to show to a client. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? defaultMessages[code], options);
    this.name = 'AppError';
    this.status = statuses[code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message } };
  }
}
