import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ApiScope, Models } from './models';

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>;

/** Who a request acts as: the key's name and what it may do. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: ApiScope[];
}

const TOKEN = /^fl_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Creates a key and returns the token, which is shown once and stored only as a scrypt hash. */
export async function createApiKey(
  models: Pick<Models, 'ApiKey'>,
  name: string,
  scopes: ApiScope[],
): Promise<{ token: string; keyId: string }> {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  const hash = (await scryptAsync(secret, salt, 32)).toString('hex');
  await models.ApiKey.create({ _id: keyId, name, scopes, salt, hash, createdAt: new Date() });
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
 * Checks tokens against the stored hashes in constant time. A verified token
 * is remembered (by its SHA-256) for `cacheMs`, so scrypt does not run on
 * every request; a revocation takes effect within that time.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly models: Pick<Models, 'ApiKey'>,
    private readonly cacheMs = 30_000,
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
    const hash = await scryptAsync(secret, key.salt, 32);
    const stored = Buffer.from(key.hash, 'hex');
    if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return undefined;
    const principal: Principal = { keyId, name: key.name, scopes: key.scopes };
    this.cache.set(digest, { principal, until: Date.now() + this.cacheMs });
    return principal;
  }
}
