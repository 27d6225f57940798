// A small HTTP client for SolrCloud: JSON requests to any of several nodes, the next node tried when one
// does not answer (a stopped node's replicas are served by the others), Solr's own error message kept.

/** No node of the cluster answered; `message` lists each node's failure class, never a response body. */
export class ClusterUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterUnavailableError';
  }
}

/** Solr answered with an error (a bad request, a missing collection …); `status` is its HTTP status. */
export class SolrError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SolrError';
  }
}

export type SolrParams = Record<string, string | number | boolean | undefined>;

export interface SolrRequest {
  /** Path below the node URL, e.g. `/admin/collections` or `/policy-cite_ab12/select`. */
  path: string;
  /** Query parameters (sent in the URL, or as the form body of a POST without `json`). */
  params?: SolrParams;
  /** A JSON body (updates, schema changes). */
  json?: unknown;
  /** POST the parameters as a form (long queries: vectors, many terms). */
  post?: boolean;
  timeoutMs?: number;
}

/** Node failures worth another node: nothing answered, or the node could not reach a replica. */
const retryStatuses = new Set([502, 503, 504]);

export class SolrClient {
  readonly urls: string[];
  private preferred = 0;
  private readonly timeoutMs: number;

  constructor({ urls, timeoutMs = 30_000 }: { urls: string[]; timeoutMs?: number }) {
    if (urls.length === 0) throw new Error('SolrClient needs at least one node URL');
    this.urls = urls.map((url) => url.replace(/\/+$/, ''));
    this.timeoutMs = timeoutMs;
  }

  /** Sends a request to the node that answered last, then to the others in turn; returns Solr's JSON. */
  async request<T = Record<string, unknown>>({ path, params = {}, json, post = false, timeoutMs = this.timeoutMs }: SolrRequest): Promise<T> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < this.urls.length; attempt++) {
      const node = (this.preferred + attempt) % this.urls.length;
      const base = this.urls[node];
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries({ wt: 'json', ...params })) if (value !== undefined) query.append(name, String(value));
      const asForm = post && json === undefined;
      const url = `${base}${path}${asForm ? '' : `?${query}`}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: json !== undefined || asForm ? 'POST' : 'GET',
          headers: json !== undefined ? { 'content-type': 'application/json' } : asForm ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
          body: json !== undefined ? JSON.stringify(json) : asForm ? query.toString() : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        failures.push(`${base}: ${failureClass(error)}`);
        continue;
      }
      const text = await response.text();
      if (retryStatuses.has(response.status)) {
        failures.push(`${base}: http ${response.status}`);
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new SolrError(`Solr at ${base}${path} answered ${response.status} with a body that is not JSON`, response.status);
      }
      if (!response.ok) {
        const message = (body as { error?: { msg?: string } }).error?.msg ?? `http ${response.status}`;
        throw new SolrError(`Solr ${path}: ${message.slice(0, 300)}`, response.status);
      }
      this.preferred = node;
      return body as T;
    }
    throw new ClusterUnavailableError(`no Solr node answered (${failures.join('; ')})`);
  }
}

/** "connection refused", "timeout" …: what went wrong, without echoing anything a server sent. */
function failureClass(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ECONNRESET') return 'connection reset';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.code ?? (error instanceof Error ? error.name : 'error');
}
