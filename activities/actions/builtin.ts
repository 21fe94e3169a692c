import { execFile } from 'node:child_process';
import { ApplicationFailure } from '@temporalio/common';
import { OutcomeUnknownError, sendJson } from '../../infra/http';
import type { ActionImpl, AllowedCommand } from './types';

function stringField(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw ApplicationFailure.nonRetryable(`input.${field} must be a non-empty string`, 'InvalidActionInput');
  }
  return value;
}

/** Refuses a variable the runbook did not declare in `meta.secrets` (the context holds only those). */
export function requireDeclared(secrets: Record<string, unknown>, name: string, runbookId: string): void {
  if (!Object.hasOwn(secrets, name)) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${name} is not declared by runbook ${runbookId} (meta.secrets)`,
      'SecretNotDeclared',
    );
  }
}

/**
 * The environment of allowlisted commands: enough to find programs and read
 * text, and none of the worker's own variables (MONGODB_URI, TEMPORAL_API_KEY,
 * webhook URLs).
 */
export function commandEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const picked: NodeJS.ProcessEnv = { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
  for (const name of ['LANG', 'LC_ALL', 'HOME'] as const)
    if (env[name] !== undefined) picked[name] = env[name];
  return picked;
}

/**
 * `webhook`: POST (or input.method) JSON to the URL in the environment variable
 * `input.urlEnv`, with an Idempotency-Key header. 4xx other than 408/429 is not
 * retried; a timeout, reset or 5xx after the request was sent leaves the
 * outcome unknown (an `OutcomeUnknownError`), so it is not re-sent unless the
 * step is idempotent.
 */
export const webhookAction: ActionImpl = async (
  input,
  { idempotencyKey, runbookId, secrets, signal, fetch },
) => {
  const urlEnv = stringField(input, 'urlEnv');
  requireDeclared(secrets, urlEnv, runbookId);
  const url = secrets[urlEnv];
  if (!url)
    throw ApplicationFailure.nonRetryable(`environment variable ${urlEnv} is not set`, 'ActionNotConfigured');
  const method = typeof input.method === 'string' ? input.method.toUpperCase() : 'POST';
  const { status, text } = await sendJson(
    url,
    {
      method,
      headers: { 'Idempotency-Key': idempotencyKey },
      body: method === 'GET' ? undefined : JSON.stringify(input.body ?? {}),
      signal,
      fetch,
    },
    { label: `webhook ${urlEnv}: `, rejectedType: 'ActionRejected' },
  );
  return { summary: `webhook ${urlEnv}: HTTP ${status}`, output: { status, body: text } };
};

/**
 * `command`: runs an allowlisted command on the worker host as an argv array
 * (never through a shell), with extra arguments only if each matches the
 * allowlist entry's pattern.
 */
export function commandAction(allowlist: AllowedCommand[]): ActionImpl {
  return async (input, { signal }) => {
    const id = stringField(input, 'command');
    const allowed = allowlist.find((c) => c.id === id);
    if (!allowed)
      throw ApplicationFailure.nonRetryable(`command ${id} is not in the allowlist`, 'CommandNotAllowed');
    const args = input.args ?? [];
    if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) {
      throw ApplicationFailure.nonRetryable('input.args must be an array of strings', 'InvalidActionInput');
    }
    if (args.length > (allowed.argPattern ? (allowed.maxArgs ?? 1) : 0)) {
      throw ApplicationFailure.nonRetryable(
        `command ${id} takes at most ${allowed.argPattern ? (allowed.maxArgs ?? 1) : 0} extra argument(s)`,
        'CommandNotAllowed',
      );
    }
    for (const arg of args) {
      if (!allowed.argPattern?.test(arg)) {
        throw ApplicationFailure.nonRetryable(
          `argument ${JSON.stringify(arg)} is not allowed for command ${id}`,
          'CommandNotAllowed',
        );
      }
    }
    const [file, ...fixed] = allowed.argv;
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        file,
        [...fixed, ...args],
        {
          timeout: allowed.timeoutMs ?? 60_000,
          signal,
          maxBuffer: 1024 * 1024,
          env: commandEnvironment(),
        },
        (err, out, errOut) => {
          if (!err) resolve({ stdout: out.toString() });
          // Killed (its timeout, or the attempt's): it was running and may have done its work.
          else if (err.killed || err.signal)
            reject(
              new OutcomeUnknownError(`command ${id} was stopped (${err.signal ?? 'killed'}) while running`),
            );
          else reject(new Error(`command ${id} failed: ${(errOut || err.message).toString().slice(0, 300)}`));
        },
      );
    });
    return {
      summary: `command ${id} ran (${stdout.length} bytes of output)`,
      output: { stdout: stdout.slice(0, 2000) },
    };
  };
}
