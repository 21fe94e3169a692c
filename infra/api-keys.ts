import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apiKeyServicePattern, type ApiScope, type Models } from './models';

/** Who a request acts as: the key's name and what it may do. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: ApiScope[];
  /** The only services the key may post alerts for and act on; undefined = any. */
  services?: string[];
}

const TOKEN = /^fl_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * What is stored of a secret: its SHA-256. A secret is 32 random bytes, so
 * guessing one from its hash is as hard as guessing it; a slow, salted hash
 * (scrypt, bcrypt) only protects low-entropy secrets such as passwords, and
 * would cost the API a scrypt run for every bad token (OWASP's password
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
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await models.ApiKey.create({
    _id: keyId,
    name,
    scopes,
    ...(services ? { services } : {}),
    hashAlgorithm: 'sha256',
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

/**
 * Checks tokens against the stored hashes in constant time: one lookup by
 * `_id` and one SHA-256 per token, so a bad token costs no more than a good
 * one. A verified token is remembered (by its SHA-256) for `cacheMs`, sparing
 * the lookup; a revocation takes effect within that time.
 *
 * Keys created before SHA-256 (scrypt-hashed, no `hashAlgorithm`) are refused
 * rather than verified with scrypt: no release has shipped, and keeping
 * scrypt would keep its cost per bad token. Re-create such keys.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly models: Pick<Models, 'ApiKey'>,
    private readonly cacheMs = 30_000,
    private readonly onLegacyKey: (keyId: string) => void = () => undefined,
  ) {}

  async verify(token: string): Promise<Principal | undefined> {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const digest = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(digest);
    if (cached && cached.until > Date.now()) return cached.principal;
    const [, keyId, secret] = match as unknown as [string, string, string];
    const key = await this.models.ApiKey.findById(keyId).lean();
    if (!key || key.revokedAt) return undefined;
    if (key.hashAlgorithm !== 'sha256') {
      this.onLegacyKey(keyId);
      return undefined;
    }
    const stored = Buffer.from(key.hash, 'hex');
    const hash = secretHash(secret);
    if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return undefined;
    const principal: Principal = {
      keyId,
      name: key.name,
      scopes: key.scopes,
      ...(key.services ? { services: key.services } : {}),
    };
    this.prune();
    this.cache.set(digest, { principal, until: Date.now() + this.cacheMs });
    return principal;
  }

  /** Drops expired entries now and then, so the cache holds only keys seen within `cacheMs`. */
  private prune(): void {
    if (this.cache.size < 1000) return;
    const now = Date.now();
    for (const [digest, entry] of this.cache) if (entry.until <= now) this.cache.delete(digest);
  }
}
