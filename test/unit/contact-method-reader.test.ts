import type { ContactMethod } from '../../domain/contact-methods';
import { ContactMethodReader, ContactMethodsUnknown } from '../../infra/contact-methods';
import type { Models } from '../../infra/models';

/** A ContactMethods model whose reads answer after `stored.ms` with `stored.methods`: a MongoDB slow under load. */
function slowModels(stored: { ms: number; methods: ContactMethod[] }): Pick<Models, 'ContactMethods'> {
  const sms: ContactMethod = {
    id: 'cm_sms',
    type: 'sms',
    number: '+447700900123',
    createdAt: '2026-12-01T00:00:00Z',
    verifiedAt: '2026-12-01T00:01:00Z',
  };
  stored.methods.push(sms);
  const findById = (id: string) => {
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

  it('waits out the timeout once while MongoDB is away, not on every page, and asks again in the background', async () => {
    const stored = { ms: 10, methods: [] as ContactMethod[] };
    const reader = new ContactMethodReader(slowModels(stored), { timeoutMs: 200, restAfterFailureMs: 400 });
    await reader.pagingProfile('bob');
    stored.ms = 1_000;
    let started = Date.now();
    await reader.pagingProfile('bob');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    started = Date.now();
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect(Date.now() - started).toBeLessThan(50);

    // A few moments on, a page still takes the copy at once, and asks MongoDB in the background;
    // once that answers, pages read afresh again.
    await new Promise((resolve) => setTimeout(resolve, 450));
    stored.ms = 10;
    stored.methods.splice(0);
    started = Date.now();
    expect((await reader.pagingProfile('bob')).methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect(Date.now() - started).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await reader.pagingProfile('bob')).methods).toEqual([]);
  });
});
