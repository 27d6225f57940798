// One error type with typed codes; the app's onError turns it into `{error: {code, message}}`.

const statuses = {
  bad_request: 400,
  'bad_request:json': 400,
  'not_found:document': 404,
  'not_found:route': 404,
  'not_found:model': 404,
  payload_too_large: 413,
  file_too_large: 413,
  unsupported_file_type: 415,
  unreadable_file: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  unauthorized: 401,
  'forbidden:cross_site': 403,
  'forbidden:remote_write': 403,
  admin_disabled: 404,
  'conflict:reindex_running': 409,
  'conflict:duplicate_document': 409,
  'conflict:last_document': 409,
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
  'not_found:model': 'No model with that name.',
  payload_too_large: 'The request body is too large.',
  file_too_large: 'The file is larger than the upload limit.',
  unsupported_file_type: 'Only .txt, .md, .html, .docx and .pdf files can be added.',
  unreadable_file: 'The file could not be read.',
  unsupported_media_type: 'Send the request body as application/json.',
  rate_limited: 'Too many requests; wait a moment and try again.',
  unauthorized: 'Missing or wrong credentials.',
  'forbidden:cross_site': 'Changes to the library are only accepted from this server\'s own pages.',
  'forbidden:remote_write': 'Changes to the library are accepted from this machine only, unless the server sets ADMIN_TOKEN.',
  admin_disabled: 'Admin routes are off: start the server with ADMIN_TOKEN set.',
  'conflict:reindex_running': 'A reindex is already running; wait for it to finish.',
  'conflict:duplicate_document': 'The library already holds this file.',
  'conflict:last_document': 'The last document of the library cannot be removed.',
  reindex_failed: 'The index was not rebuilt.',
  index_unavailable: 'The search index is not available.',
  llm_unavailable: 'The language model did not answer.',
  llm_timeout: 'The language model took too long to answer.',
  internal: 'Something went wrong on the server.',
};

/** Facts a client can act on beside the message (which file, why), safe to show like the message. */
export type ErrorDetails = Record<string, string | number>;

/** An error whose code and message are safe to show to a client. */
export class AppError extends Error {
  readonly status: number;
  readonly details?: ErrorDetails;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: ErrorDetails },
  ) {
    super(message ?? defaultMessages[code], options);
    this.name = 'AppError';
    this.status = statuses[code];
    this.details = options?.details;
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
