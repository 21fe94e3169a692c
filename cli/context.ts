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
