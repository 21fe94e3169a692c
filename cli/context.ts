import type { ApiClient } from './api-client';

/** What every API command gets: the client, the parsed flags and positionals, and where to write. */
export interface CommandContext {
  api: ApiClient;
  args: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  out: (text: string) => void;
  /** Progress and notices: stderr, so --json output stays clean. */
  info: (text: string) => void;
}

/** A flag's value (the last one when repeated). */
export const str = (ctx: CommandContext, name: string): string | undefined => {
  const v = ctx.flags[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.at(-1) : undefined;
};

/** Prints `value` as JSON with --json, else what `human` makes of it. */
export const print = (ctx: CommandContext, value: unknown, human: () => string): void => {
  // Returns nothing: a command's return value is its exit code.
  ctx.out(ctx.json ? `${JSON.stringify(value, null, 2)}\n` : human());
};
