/** Progress lines for the steps a user waits on; on stderr so stdout stays machine-readable. */
export type Progress = (message: string) => void;

export const printProgress: Progress = (message) => {
  process.stderr.write(`[fireline] ${message}\n`);
};

export const silentProgress: Progress = () => undefined;

/** Prints "still <doing>… (1m30s)" every interval until the returned function is called. */
export function heartbeat(progress: Progress, doing: string, intervalMs = 15_000): () => void {
  const started = Date.now();
  const timer = setInterval(
    () => progress(`still ${doing}… (${formatElapsed(Date.now() - started)})`),
    intervalMs,
  );
  timer.unref();
  return () => clearInterval(timer);
}

export function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
    : `${seconds}s`;
}
