import { CliError, ExitCode } from './api-client';

/** A plain-text table: one header row, columns padded to their widest cell. */
export function table(headers: string[], rows: (string | number | undefined | null)[][]): string {
  const cells = rows.map((row) => row.map((c) => (c === undefined || c === null ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

/** "3m ago", "2h ago" … for timestamps in tables. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** `key=value` pairs from repeated flags. */
export function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const at = v.indexOf('=');
    if (at <= 0) throw new Error(`${flag} takes key=value, got ${JSON.stringify(v)}`);
    out[v.slice(0, at)] = v.slice(at + 1);
  }
  return out;
}

/** A URL the API answered: without PUBLIC_URL it is a path, and the address this CLI reached the API at stands in. */
export function apiAddressed(url: string, apiUrl: string): string {
  return url.startsWith('/') ? new URL(url, apiUrl).toString() : url;
}

/** `--interval 1h`, `90s`, `5m`, `1h30m`, or a bare number of seconds. */
export function durationSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || value === '') throw new CliError(`${flag} must be like 90s, 5m, 1h or 1h30m`, ExitCode.usage);
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}
