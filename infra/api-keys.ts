import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LastGoodCache } from './last-good-cache';
import {
  apiKeyPersonPattern,
  apiKeyServicePattern,
  type ApiKeyDocument,
  type ApiScope,
  type Models,
} from './models';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS } from './mongo';

/** Who a request comes from: the key, what it may do, and the person it acts as. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: ApiScope[];
  /** The only services the key may post alerts for and act on; undefined = any. */
  services?: string[];
  /** The catalog person the key acts as; undefined = the key may not act on incidents. */
  personId?: string;
}

function principalOfKey(key: ApiKeyDocument): Principal {
  return {
    keyId: key._id,
    name: key.name,
    scopes: key.scopes,
    ...(key.services ? { services: key.services } : {}),
    ...(key.person ? { personId: key.person } : {}),
  };
}

const TOKEN = /^fl_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * What is stored of a secret: its SHA-256. A secret is 32 random bytes, so
 * guessing one from its hash is as hard as guessing it; a slow, salted hash
 * (scrypt, bcrypt) only protects low-entropy secrets such as passwords, and
 * would cost the API a slow hash for every bad token (OWASP's password
 * storage advice is for passwords; random API tokens need only a fast hash).
 * No pepper: it would be one more secret that every process creating or
 * checking keys must share, for no gain against 256-bit secrets.
 */
function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export interface ApiKeyOptions {
  /** Restrict the key to these services (as a PagerDuty integration key is to its service). */
  services?: string[];
  /** The catalog person the key acts as (the caller checks the catalog has them). */
  person?: string;
}

/** Creates a key and returns the token, which is shown once and stored only as its SHA-256. */
export async function createApiKey(
  models: Pick<Models, 'ApiKey'>,
  name: string,
  scopes: ApiScope[],
  options: ApiKeyOptions = {},
): Promise<{ token: string; keyId: string }> {
  const services = options.services && [...new Set(options.services)];
  if (services) {
    if (services.length === 0) throw new Error('a key restricted to services needs at least one service');
    const bad = services.find((s) => !apiKeyServicePattern.test(s));
    if (bad !== undefined) throw new Error(`not a service name: ${JSON.stringify(bad)}`);
    // An admin key may act for anyone and reach every route: a service restriction would mean nothing.
    if (scopes.includes('admin')) throw new Error('an admin key cannot be restricted to services');
  }
  if (options.person !== undefined && !apiKeyPersonPattern.test(options.person))
    throw new Error(`not a person id: ${JSON.stringify(options.person)}`);
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await models.ApiKey.create({
    _id: keyId,
    name,
    scopes,
    ...(services ? { services } : {}),
    ...(options.person !== undefined ? { person: options.person } : {}),
    hash: secretHash(secret).toString('hex'),
    createdAt: new Date(),
  });
  return { token: `fl_${keyId}_${secret}`, keyId };
}

export async function revokeApiKey(models: Pick<Models, 'ApiKey'>, keyIdOrName: string): Promise<number> {
  const result = await models.ApiKey.updateMany(
    { $or: [{ _id: keyIdOrName }, { name: keyIdOrName }], revokedAt: { $exists: false } },
    { $set: { revokedAt: new Date() } },
  );
  return result.modifiedCount;
}

export interface ApiKeyVerifierOptions {
  /** A verified token is trusted without a lookup for this long; a revocation takes effect within it. */
  cacheMs?: number;
  /**
   * While MongoDB does not answer, a token verified within this long still
   * works (so alerts and acknowledgements go on); 0 = refuse with 503 at once.
   */
  outageGraceMs?: number;
  /** How long a lookup waits for MongoDB before the last verified answer (or a 503) stands in. */
  lookupTimeoutMs?: number;
  /** Told each time a key is let in on its last verified answer because MongoDB did not answer. */
  onStale?: (keyId: string, verifiedAt: Date) => void;
}

/**
 * Checks tokens against the stored hashes in constant time: one lookup by
 * `_id` and one SHA-256 per token, so a bad token costs no more than a good
 * one. A verified token is remembered (by its SHA-256) for `cacheMs`, sparing
 * the lookup; a revocation takes effect within that time. When MongoDB does
 * not answer within `lookupTimeoutMs`, a token it verified within
 * `outageGraceMs` keeps working; any other token makes `verify` throw
 * MongoUnavailableError (the API answers 503), never "not valid".
 */
export class ApiKeyVerifier {
  private readonly cache: LastGoodCache<Principal>;

  constructor(
    private readonly models: Pick<Models, 'ApiKey'>,
    options: ApiKeyVerifierOptions = {},
  ) {
    const onStale = options.onStale ?? (() => undefined);
    this.cache = new LastGoodCache<Principal>(
      'API key lookup',
      {
        freshMs: options.cacheMs ?? 30_000,
        graceMs: options.outageGraceMs ?? 15 * 60_000,
        lookupTimeoutMs: options.lookupTimeoutMs ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS,
      },
      (principal, verifiedAt) => onStale(principal.keyId, verifiedAt),
    );
  }

  async verify(token: string): Promise<Principal | undefined> {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, keyId, secret] = match as unknown as [string, string, string];
    const digest = createHash('sha256').update(token).digest('hex');
    return this.cache.get(digest, async () => {
      const key = await this.models.ApiKey.findById(keyId).lean();
      if (!key || key.revokedAt) return undefined;
      const stored = Buffer.from(key.hash, 'hex');
      const hash = secretHash(secret);
      if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return undefined;
      return { value: principalOfKey(key) };
    });
  }
}

/**
 * The principal of a key id (a web UI session's key), or undefined when the
 * key is gone or revoked. One unbounded lookup: callers bound it.
 */
export async function principalOfKeyId(
  models: Pick<Models, 'ApiKey'>,
  keyId: string,
): Promise<Principal | undefined> {
  const key = await models.ApiKey.findById(keyId).lean();
  if (!key || key.revokedAt) return undefined;
  return principalOfKey(key);
}
