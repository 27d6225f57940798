// GET/POST JSON with a timeout, turning every failure into an ApiError.
import { ApiError, readErrorResponse } from './api-error';

/** Fetches JSON; throws ApiError with code `network`, `timeout`, `bad_response` or the server's code. */
export async function fetchJson<T>(url: string, { timeoutMs = 20_000, signal, ...init }: RequestInit & { timeoutMs?: number } = {}): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: combined, headers: { Accept: 'application/json', ...init.headers } });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (timeout.aborted) throw new ApiError({ code: 'timeout' });
    throw new ApiError({ code: 'network' });
  }
  if (!response.ok) throw await readErrorResponse(response);
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError({ code: 'bad_response', status: response.status });
  }
}
