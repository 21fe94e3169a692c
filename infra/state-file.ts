import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * A JSON value a process keeps on its own disk, for what it must know when
 * MongoDB cannot tell it, even after a restart. Written whole to a temporary
 * file, flushed, then renamed over the old one: a reader (another process, or
 * this one after a crash) sees the old value or the new one, never half of
 * either. Writes of one instance are made one after another.
 */
export class JsonStateFile<T> {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** The stored value, or undefined when there is none or it cannot be read (the reason is thrown only for a corrupt file). */
  read(): { value: T; savedAt: string } | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = JSON.parse(text) as { value?: T; savedAt?: string } | null;
    if (!parsed || parsed.value === undefined || typeof parsed.savedAt !== 'string') {
      throw new Error(`${this.file} does not hold a saved value`);
    }
    return { value: parsed.value, savedAt: parsed.savedAt };
  }

  /** Replaces the stored value; resolves once it is on disk. */
  write(value: T): Promise<void> {
    const next = this.writing.then(() => this.replace(value));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async replace(value: T): Promise<void> {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // Unique per writer: processes sharing the directory never write the same temporary file.
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ savedAt: new Date().toISOString(), value }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }
}
