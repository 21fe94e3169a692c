/** Exit codes of `fireline`, so scripts can tell failures apart. */
export const ExitCode = {
  ok: 0,
  /** The server failed, could not be reached, or the operation ended badly (a runbook that failed). */
  failure: 1,
  /** Bad command line or a request the API refused as invalid (400). */
  usage: 2,
  /** No key, or the key lacks the scope (401/403). */
  auth: 3,
  notFound: 4,
  /** The incident, approval or post-mortem is not in a state that allows it (409). */
  conflict: 5,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

function exitCodeFor(status: number): number {
  if (status === 400 || status === 413 || status === 415) return ExitCode.usage;
  if (status === 401 || status === 403) return ExitCode.auth;
  if (status === 404) return ExitCode.notFound;
  if (status === 409) return ExitCode.conflict;
  return ExitCode.failure;
}

/** The Fireline HTTP API as the CLI uses it: base URL and key from flags or FIRELINE_URL / FIRELINE_API_KEY. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string | string[] | undefined>; accept?: string } = {},
  ): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
        url.searchParams.append(name, v);
    }
    if (!this.key) throw new CliError('no API key: pass --key or set FIRELINE_API_KEY', ExitCode.auth);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          accept: options.accept ?? 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new CliError(`cannot reach ${this.baseUrl}: ${cause}`, ExitCode.failure);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string } };
        message = parsed.error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new CliError(`${method} ${url.pathname}: ${res.status} ${message}`, exitCodeFor(res.status));
    }
    if ((options.accept ?? 'application/json') !== 'application/json') return text as T;
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
