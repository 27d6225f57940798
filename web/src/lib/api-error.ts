// One error type for every API call, and the friendly Chinese wording the interface shows for it.

/** Codes the server sends in `{error:{code,message}}`, plus the ones the browser itself produces. */
export type ApiErrorCode =
  | 'bad_request'
  | 'rate_limited'
  | 'not_found'
  | 'not_found:document'
  | 'payload_too_large'
  | 'index_unavailable'
  | 'internal'
  | 'network'
  | 'timeout'
  | 'stream_interrupted'
  | 'bad_response'
  | (string & {});

/** Facts the server gives beside the message (`{file, reason}` for a refused upload). */
export type ErrorDetails = Record<string, string | number>;

/** An API failure with the server's code, the HTTP status when there was one, and Retry-After seconds. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly details?: ErrorDetails;

  constructor({ code, message, status, retryAfterSeconds, details }: { code: ApiErrorCode; message?: string; status?: number; retryAfterSeconds?: number; details?: ErrorDetails }) {
    super(message ?? code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details;
  }
}

/** The shape the interface keeps for a failed request (plain data, so it survives localStorage). */
export interface ErrorInfo {
  code: string;
  status?: number;
  retryAfterSeconds?: number;
  details?: ErrorDetails;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) {
    return { code: error.code, status: error.status, retryAfterSeconds: error.retryAfterSeconds, ...(error.details ? { details: error.details } : {}) };
  }
  return { code: 'network' };
}

/** Builds an ApiError from a non-2xx response, reading the `{error:{code,message}}` body when present. */
export async function readErrorResponse(response: Response): Promise<ApiError> {
  let code: string | undefined;
  let message: string | undefined;
  let details: ErrorDetails | undefined;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (typeof body?.error?.code === 'string') code = body.error.code;
    if (typeof body?.error?.message === 'string') message = body.error.message;
    if (body?.error?.details && typeof body.error.details === 'object') details = body.error.details as ErrorDetails;
  } catch {
    // A proxy's HTML error page or an empty body: the status alone decides the code.
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiError({
    code: code ?? codeForStatus(response.status),
    message,
    status: response.status,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    details,
  });
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'not_found';
  if (status === 502 || status === 503 || status === 504) return 'network';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

/** A calm, plain-language Chinese sentence for an error; never the server's internal message. */
export function describeError(info: ErrorInfo): string {
  const code = info.code;
  if (code === 'rate_limited' || info.status === 429) {
    return info.retryAfterSeconds
      ? `提问太频繁了，请约 ${Math.ceil(info.retryAfterSeconds)} 秒后再试。`
      : '提问太频繁了，请稍等片刻再试。';
  }
  if (code === 'not_found:document') return '所选文件已不在文件库中，请在“范围”中重新选择。';
  if (code === 'not_found:route') return '服务器不支持这个请求，可能需要更新系统版本。';
  if (code.startsWith('not_found')) return '没有找到请求的内容，可能已被移除。';
  if (code === 'payload_too_large') return '这次提问连同之前的对话内容太长了，请精简问题，或点“新对话”重新开始。';
  if (code.startsWith('bad_request') || code === 'unsupported_media_type') return '这次提问没能被受理，请调整问题的表述后再试。';
  if (code === 'unauthorized') return '没有访问权限，请联系系统管理员。';
  if (code.startsWith('forbidden')) return '只能在运行本服务的电脑上更改文件库，请联系系统管理员。';
  if (code === 'conflict:reindex_running') return '文件库正在更新，请稍后再试。';
  if (code === 'conflict:last_document') return '文件库至少要保留一份文件。';
  if (code === 'reindex_failed') return '索引没有更新成功，文件库保持原样。请联系系统管理员查看服务器日志。';
  if (code === 'index_unavailable') return '文件索引暂时不可用，可能正在更新，请稍后再试。';
  if (code === 'llm_unavailable') return '生成回答的语言模型暂时没有响应，请稍后再试。';
  if (code === 'llm_timeout') return '语言模型响应超时，请稍后再试。';
  if (code === 'network') return '暂时连不上服务器，请检查网络或稍后再试。';
  if (code === 'timeout') return '服务器响应超时，请稍后再试。';
  if (code === 'stream_interrupted') return '回答传输中断了，请重试。';
  if (code === 'bad_response') return '服务器返回的内容无法识别，请稍后再试。';
  return '服务器暂时出了点问题，请稍后再试。';
}
