import type { ContactMethod } from '../../domain/contact-methods';
import { ContactMethodReader, ContactMethodsUnknown } from '../../infra/contact-methods';
import type { Models } from '../../infra/models';

/** A ContactMethods model whose reads answer after `stored.ms` with `stored.methods`: a MongoDB slow under load. */
function slowModels(stored: {
  ms: number;
  methods: ContactMethod[];
  reads?: number;
}): Pick<Models, 'ContactMethods'> {
  const sms: ContactMethod = {
    id: 'cm_sms',
    type: 'sms',
    number: '+447700900123',
    createdAt: '2026-12-01T00:00:00Z',
    verifiedAt: '2026-12-01T00:01:00Z',
  };
  stored.methods.push(sms);
  const findById = (id: string) => {
    stored.reads = (stored.reads ?? 0) + 1;
    const contactMethods = [...stored.methods];
    return {
      lean: () => new Promise((resolve) => setTimeout(() => resolve({ _id: id, contactMethods }), stored.ms)),
    };
  };
  return { ContactMethods: { findById } } as unknown as Pick<Models, 'ContactMethods'>;
}

describe('ContactMethodReader, when MongoDB is slow', () => {
  it("answers a known person's copy at the timeout, and refuses a person it has no copy of", async () => {
    const stored = { ms: 10, methods: [] as ContactMethod[] };
    const reader = new ContactMethodReader(slowModels(stored), { timeoutMs: 500 });
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);

    // Now there is a copy: a read slower than the short timeout answers the copy (waiting would
    // have answered the removed method's absence).
    stored.methods.splice(0);
    stored.ms = 1000;
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);

    // Nothing to fall back on: refused, for the activity to retry.
    await expect(reader.pagingProfile('carol')).rejects.toBeInstanceOf(ContactMethodsUnknown);
  });

  it('waits out the timeout once while MongoDB is away, and asks it nothing on the next pages', async () => {
    const stored = { ms: 10, methods: [] as ContactMethod[], reads: 0 };
    const reader = new ContactMethodReader(slowModels(stored), {
      timeoutMs: 200,
      restAfterFailureMs: 60_000,
    });
    await reader.pagingProfile('bob');
    stored.ms = 1_000;
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect(stored.reads).toBe(2);
    // MongoDB did not answer: the next pages take the copy without a read to wait on.
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect(stored.reads).toBe(2);
  });

  it('asks MongoDB again in the background while it is away, and reads afresh once it answers', async () => {
    const stored = { ms: 10, methods: [] as ContactMethod[], reads: 0 };
    const reader = new ContactMethodReader(slowModels(stored), { timeoutMs: 200, restAfterFailureMs: 0 });
    await reader.pagingProfile('bob');
    stored.ms = 1_000;
    await reader.pagingProfile('bob');
    stored.ms = 10;
    stored.methods.splice(0);
    // This page takes the copy and starts a read in the background.
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect(stored.reads).toBe(3);
    // Once that read has answered, pages read afresh: the method is gone.
    for (;;) {
      const { methods } = await reader.pagingProfile('bob');
      if (methods.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await reader.pagingProfile('bob')).methods).toEqual([]);
  });
});
