import { createHash, scrypt } from 'node:crypto';
import { ApiKeyVerifier, createApiKey } from '../../infra/api-keys';
import type { ApiKeyDocument, Models } from '../../infra/models';

// scrypt watched: verifying a token must not run it, whatever the token.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, scrypt: jest.fn(actual.scrypt) };
});

/** The ApiKey model as the verifier uses it: create, and findById(...).lean(). */
function fakeModels() {
  const docs = new Map<string, ApiKeyDocument>();
  const findById = jest.fn((id: string) => ({ lean: async () => docs.get(id) ?? null }));
  const models = {
    ApiKey: {
      create: async (doc: ApiKeyDocument) => void docs.set(doc._id, doc),
      findById,
    },
  } as unknown as Pick<Models, 'ApiKey'>;
  return { models, docs, findById };
}

describe('API key hashing and verification', () => {
  beforeEach(() => jest.mocked(scrypt).mockClear());

  it('stores the SHA-256 of the secret and verifies with it, without scrypt', async () => {
    const { models, docs } = fakeModels();
    const { token, keyId } = await createApiKey(models, 'ci', ['alerts:write'], { services: ['payments'] });
    const secret = token.slice(-43);
    expect(docs.get(keyId)).toMatchObject({
      hashAlgorithm: 'sha256',
      hash: createHash('sha256').update(secret).digest('hex'),
      services: ['payments'],
    });
    const verifier = new ApiKeyVerifier(models);
    expect(await verifier.verify(token)).toEqual({
      keyId,
      name: 'ci',
      scopes: ['alerts:write'],
      services: ['payments'],
    });
    // A wrong secret for an existing key id: refused, and no scrypt run for it.
    const wrong = `fl_${keyId}_${(secret[0] === 'A' ? 'B' : 'A') + secret.slice(1)}`;
    for (let i = 0; i < 20; i++) expect(await verifier.verify(wrong)).toBeUndefined();
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('leaves the principal unrestricted when the key has no services', async () => {
    const { models } = fakeModels();
    const { token } = await createApiKey(models, 'ops', ['incidents:write']);
    expect((await new ApiKeyVerifier(models).verify(token))?.services).toBeUndefined();
  });

  it('remembers a verified token for the cache time only', async () => {
    const { models, findById } = fakeModels();
    const { token } = await createApiKey(models, 'ci', ['alerts:write']);
    const verifier = new ApiKeyVerifier(models, { cacheMs: 50 });
    await verifier.verify(token);
    await verifier.verify(token);
    expect(findById).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await verifier.verify(token);
    expect(findById).toHaveBeenCalledTimes(2);
  });

  it('refuses a key stored with scrypt (no hashAlgorithm) without running scrypt, and says so', async () => {
    const { models, docs } = fakeModels();
    const { token, keyId } = await createApiKey(models, 'old', ['alerts:write']);
    const { hashAlgorithm: _dropped, ...legacy } = docs.get(keyId)!;
    docs.set(keyId, { ...legacy, salt: 'ab'.repeat(16) });
    const legacyKeys: string[] = [];
    const verifier = new ApiKeyVerifier(models, { onLegacyKey: (id) => legacyKeys.push(id) });
    expect(await verifier.verify(token)).toBeUndefined();
    expect(legacyKeys).toEqual([keyId]);
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('refuses malformed tokens without a lookup', async () => {
    const { models, findById } = fakeModels();
    const verifier = new ApiKeyVerifier(models);
    for (const token of ['', 'fl_x', `fl_${'a'.repeat(12)}_short`, `xx_${'a'.repeat(12)}_${'b'.repeat(43)}`])
      expect(await verifier.verify(token)).toBeUndefined();
    expect(findById).not.toHaveBeenCalled();
  });
});
