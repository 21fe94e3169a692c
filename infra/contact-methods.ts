import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';
import { VERIFICATION, type ContactMethod } from '../domain/contact-methods';
import type { NotificationRules } from '../domain/notification-rules';
import type { Logger } from './logger';
import type { Models } from './models';
import { withMongoTimeout } from './mongo';
import { changeByRevision } from './revisions';
import type { JsonStateFile } from './state-file';

/** What reading contact methods needs; changing them claims revisions too. */
type ContactModels = Pick<Models, 'ContactMethods'>;
type ContactWriteModels = Pick<Models, 'ContactMethods' | 'RevisionClaims'>;

/**
 * A new confirmation code and what is stored of it: `scrypt$<salt>$<hash>`.
 * Six digits are a million guesses: the attempt limit protects the live code,
 * and a slow, salted hash makes a leaked hash costly to reverse.
 */
export function newVerificationCode(): { code: string; codeHash: string } {
  const code = String(randomInt(0, 10 ** VERIFICATION.digits)).padStart(VERIFICATION.digits, '0');
  const salt = randomBytes(16);
  return {
    code,
    codeHash: `scrypt$${salt.toString('base64url')}$${hashCode(code, salt).toString('base64url')}`,
  };
}

function hashCode(code: string, salt: Buffer): Buffer {
  return scryptSync(code, salt, 32);
}

/** Whether `code` is the one `codeHash` was made from. */
export function codeMatches(code: string, codeHash: string): boolean {
  const [scheme, salt, hash] = codeHash.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = hashCode(code, Buffer.from(salt, 'base64url'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A person's contact methods, in the order they were added. */
export async function listContactMethods(models: ContactModels, personId: string): Promise<ContactMethod[]> {
  const doc = await models.ContactMethods.findById(personId).lean();
  return doc?.contactMethods ?? [];
}

/** What is stored per person: contact methods and, once set, notification rules. */
export interface ContactProfile {
  methods: ContactMethod[];
  rules?: NotificationRules;
}

/** A person's contact methods and rules. */
export async function readContactProfile(models: ContactModels, personId: string): Promise<ContactProfile> {
  const doc = await models.ContactMethods.findById(personId).lean();
  return profileOf(doc);
}

function profileOf(
  doc: { contactMethods?: ContactMethod[]; notificationRules?: NotificationRules } | null,
): ContactProfile {
  return {
    methods: doc?.contactMethods ?? [],
    ...(doc?.notificationRules ? { rules: doc.notificationRules } : {}),
  };
}

/**
 * Changes a person's contact methods and rules by compare-and-set on the
 * document's revision, retried when someone else changed them in between.
 * `change` may throw to refuse; it may run more than once.
 */
export async function changeContactProfile<T>(
  models: ContactWriteModels,
  personId: string,
  change: (current: ContactProfile) => { next: ContactProfile; result: T },
): Promise<T> {
  return changeByRevision(
    models.ContactMethods,
    models.RevisionClaims,
    personId,
    `the contact methods of ${personId}`,
    (doc) => {
      const { next, result } = change(profileOf(doc));
      return {
        set: { contactMethods: next.methods, ...(next.rules ? { notificationRules: next.rules } : {}) },
        ...(next.rules ? {} : { unset: { notificationRules: 1 as const } }),
        result,
      };
    },
  );
}

/** Changes a person's contact methods only (see `changeContactProfile`). */
export async function changeContactMethods<T>(
  models: ContactWriteModels,
  personId: string,
  change: (current: ContactMethod[]) => { next: ContactMethod[]; result: T },
): Promise<T> {
  return changeContactProfile(models, personId, (profile) => {
    const { next, result } = change(profile.methods);
    return { next: { ...profile, methods: next }, result };
  });
}

/** What the worker keeps of a method to page it: never a pending code's hash. */
function pageable(method: ContactMethod): ContactMethod {
  const { verification: _, ...kept } = method;
  return kept;
}

/** MongoDB did not answer and no copy of the person's methods was ever read. */
export class ContactMethodsUnknown extends Error {
  constructor(personId: string, cause: unknown) {
    super(
      `the contact methods of ${personId} are unreadable (${cause instanceof Error ? cause.message : String(cause)}) and none were read before`,
    );
    this.name = 'ContactMethodsUnknown';
  }
}

/**
 * The worker's view of people's verified contact methods when it pages: read
 * afresh each time; when MongoDB does not answer within `timeoutMs`, the last
 * ones read for that person, so a MongoDB outage never stops paging. A person
 * never read has no such copy: their read fails, for the activity to retry. With a
 * `snapshot` file (in FIRELINE_STATE_DIR) what was read outlives the process.
 */
export class ContactMethodReader {
  /** Verified methods and rules by person, as last read from MongoDB (or the snapshot). */
  private lastGood: Record<string, ContactProfile> | undefined;
  private saved: string | undefined;
  private readonly timeoutMs: number;
  private readonly restAfterFailureMs: number;
  /** A read went unanswered and none has answered since: pages take the last copies without waiting. */
  private unanswered = false;
  /** When a page may next ask MongoDB again, in the background, while it does not answer. */
  private nextProbeAt = 0;

  constructor(
    private readonly models: ContactModels,
    private readonly options: {
      logger?: Logger;
      /** How long a read waits when there is a last good copy to page from instead. */
      timeoutMs?: number;
      /** While MongoDB does not answer, how often a page asks it again (in the background, never waiting). */
      restAfterFailureMs?: number;
      snapshot?: JsonStateFile<Record<string, ContactProfile>>;
    } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.restAfterFailureMs = options.restAfterFailureMs ?? 5000;
  }

  /** A person's verified method, or undefined when they have no such verified method. */
  async verifiedMethod(personId: string, methodId: string): Promise<ContactMethod | undefined> {
    const { methods } = await this.pagingProfile(personId);
    return methods.find((m) => m.id === methodId);
  }

  async verifiedMethods(personId: string): Promise<ContactMethod[]> {
    return (await this.pagingProfile(personId)).methods;
  }

  /** A person's verified methods and their rules: what paging them needs. */
  async pagingProfile(personId: string): Promise<ContactProfile> {
    const known = this.lastGood ?? this.fromSnapshot();
    // While MongoDB is away, one page waits out the timeout, not every page: the others take the
    // last copy, and one every few seconds asks again in the background.
    const copy = known[personId];
    if (copy && this.unanswered) {
      if (Date.now() >= this.nextProbeAt) {
        this.nextProbeAt = Date.now() + this.restAfterFailureMs;
        void this.read(personId, known).catch(() => undefined);
      }
      return copy;
    }
    try {
      return await this.read(personId, known);
    } catch (err) {
      // Nothing read yet for this person: fail (the activity retries) rather than page nobody.
      if (!copy) throw new ContactMethodsUnknown(personId, err);
      this.options.logger?.warn(
        { err: err instanceof Error ? err.message : String(err), personId, methods: copy.methods.length },
        'contact methods unreadable; paging with the last ones read',
      );
      return copy;
    }
  }

  /** Reads a person's profile within the timeout, keeping it; a read unanswered marks MongoDB away. */
  private async read(personId: string, known: Record<string, ContactProfile>): Promise<ContactProfile> {
    try {
      const read = await withMongoTimeout(`reading the contact methods of ${personId}`, this.timeoutMs, () =>
        readContactProfile(this.models, personId),
      );
      const profile: ContactProfile = {
        methods: read.methods.filter((m) => m.verifiedAt).map(pageable),
        ...(read.rules ? { rules: read.rules } : {}),
      };
      // A person with no methods is kept too: during an outage, "none" is known, not unknown.
      this.lastGood = { ...(this.lastGood ?? known), [personId]: profile };
      this.unanswered = false;
      await this.keep(this.lastGood);
      return profile;
    } catch (err) {
      this.unanswered = true;
      this.nextProbeAt = Date.now() + this.restAfterFailureMs;
      throw err;
    }
  }

  private fromSnapshot(): Record<string, ContactProfile> {
    try {
      const stored = this.options.snapshot?.read();
      if (stored) {
        this.saved = JSON.stringify(stored.value);
        return stored.value;
      }
    } catch (err) {
      this.options.logger?.error(
        { err, file: this.options.snapshot?.file },
        'contact method snapshot unreadable',
      );
    }
    return {};
  }

  /** Saves what differs from the snapshot; a failed write is logged, never fails a page. */
  private async keep(value: Record<string, ContactProfile>): Promise<void> {
    if (!this.options.snapshot) return;
    const text = JSON.stringify(value);
    if (text === this.saved) return;
    try {
      await this.options.snapshot.write(value);
      this.saved = text;
    } catch (err) {
      this.options.logger?.error(
        { err, file: this.options.snapshot.file },
        'contact method snapshot not saved',
      );
    }
  }
}

/**
 * Who a phone number belongs to, for inbound texts and calls: the people
 * with that number among their verified SMS or voice methods. Read with a
 * short timeout (all people's methods, a small collection), kept for
 * `freshMs`, and the last good copy answers while MongoDB does not, so a
 * reply acknowledges during an outage.
 */
export class PhoneDirectory {
  private lastGood: Map<string, string[]> | undefined;
  private readAt = 0;
  private reading: Promise<Map<string, string[]>> | undefined;

  constructor(
    private readonly models: ContactModels,
    private readonly options: {
      logger?: Logger;
      timeoutMs?: number;
      freshMs?: number;
      now?: () => number;
    } = {},
  ) {}

  /** The person whose verified number this is; undefined when nobody's, or when two people share it. */
  async personOf(number: string): Promise<string | undefined> {
    const owners = (await this.directory()).get(number) ?? [];
    return owners.length === 1 ? owners[0] : undefined;
  }

  private async directory(): Promise<Map<string, string[]>> {
    const now = (this.options.now ?? Date.now)();
    if (this.lastGood && now - this.readAt < (this.options.freshMs ?? 5_000)) return this.lastGood;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<Map<string, string[]>> {
    try {
      const docs = await withMongoTimeout('reading phone numbers', this.options.timeoutMs ?? 1000, () =>
        this.models.ContactMethods.find({}, { contactMethods: 1 }).lean(),
      );
      const numbers = new Map<string, string[]>();
      for (const doc of docs)
        for (const method of doc.contactMethods ?? [])
          if ((method.type === 'sms' || method.type === 'voice') && method.verifiedAt) {
            const owners = numbers.get(method.number) ?? [];
            if (!owners.includes(String(doc._id))) numbers.set(method.number, [...owners, String(doc._id)]);
          }
      this.lastGood = numbers;
      this.readAt = (this.options.now ?? Date.now)();
      return numbers;
    } catch (err) {
      this.options.logger?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'phone numbers unreadable; answering with the last ones read',
      );
      return this.lastGood ?? new Map();
    }
  }
}
