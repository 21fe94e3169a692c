import { createHash } from 'node:crypto';
import { ApiKeyVerifier, createApiKey } from '../../infra/api-keys';
import type { ApiKeyDocument, Models } from '../../infra/models';

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
  it('stores the SHA-256 of the secret and verifies with it', async () => {
    const { models, docs } = fakeModels();
    const { token, keyId } = await createApiKey(models, 'ci', ['alerts:write'], { services: ['payments'] });
    const secret = token.slice(-43);
    expect(docs.get(keyId)).toMatchObject({
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
    // A wrong secret for an existing key id: refused.
    const wrong = `fl_${keyId}_${(secret[0] === 'A' ? 'B' : 'A') + secret.slice(1)}`;
    expect(await verifier.verify(wrong)).toBeUndefined();
  });

  it('carries the person the key acts as into the principal, and refuses a malformed person id', async () => {
    const { models, docs } = fakeModels();
    const { token, keyId } = await createApiKey(models, 'alice-laptop', ['incidents:write'], {
      person: 'alice',
    });
    expect(docs.get(keyId)).toMatchObject({ person: 'alice' });
    expect(await new ApiKeyVerifier(models).verify(token)).toMatchObject({
      name: 'alice-laptop',
      personId: 'alice',
    });
    const { token: personless } = await createApiKey(models, 'ci', ['alerts:write']);
    expect((await new ApiKeyVerifier(models).verify(personless))?.personId).toBeUndefined();
    await expect(createApiKey(models, 'x', ['incidents:read'], { person: 'not a person' })).rejects.toThrow(
      /not a person id/,
    );
  });

  it('leaves the principal unrestricted when the key has no services', async () => {
    const { models } = fakeModels();
    const { token } = await createApiKey(models, 'ops', ['incidents:write']);
    expect((await new ApiKeyVerifier(models).verify(token))?.services).toBeUndefined();
  });

  describe('on a clock the test moves', () => {
    // Only Date is faked: the verifier's lookups still settle on the real event loop.
    beforeEach(() =>
      jest.useFakeTimers({
        now: new Date('2026-01-01T00:00:00Z'),
        doNotFake: [
          'nextTick',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'queueMicrotask',
        ],
      }),
    );
    afterEach(() => jest.useRealTimers());

    it('remembers a verified token for the cache time only', async () => {
      const { models, findById } = fakeModels();
      const { token } = await createApiKey(models, 'ci', ['alerts:write']);
      const verifier = new ApiKeyVerifier(models, { cacheMs: 30_000 });
      await verifier.verify(token);
      jest.setSystemTime(Date.now() + 29_999);
      await verifier.verify(token);
      expect(findById).toHaveBeenCalledTimes(1);
      jest.setSystemTime(Date.now() + 1);
      await verifier.verify(token);
      expect(findById).toHaveBeenCalledTimes(2);
    });
  });

  it('refuses malformed tokens without a lookup', async () => {
    const { models, findById } = fakeModels();
    const verifier = new ApiKeyVerifier(models);
    for (const token of ['', 'fl_x', `fl_${'a'.repeat(12)}_short`, `xx_${'a'.repeat(12)}_${'b'.repeat(43)}`])
      expect(await verifier.verify(token)).toBeUndefined();
    expect(findById).not.toHaveBeenCalled();
  });
});
