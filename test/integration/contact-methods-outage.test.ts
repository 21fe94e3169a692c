import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import type { ContactMethod } from '../../domain/contact-methods';
import {
  changeContactProfile,
  ContactMethodReader,
  ContactMethodsUnknown,
  type ContactProfile,
} from '../../infra/contact-methods';
import { connectMongo } from '../../infra/mongo';
import { createModels } from '../../infra/models';
import { JsonStateFile } from '../../infra/state-file';
import { createTestDatabase } from '../helpers/test-database';

// The worker pages people with the contact methods it last read when MongoDB
// does not answer; for a person it never read, it fails (and the activity
// retries) rather than page them on nothing.
describe('contact methods while MongoDB does not answer', () => {
  let env: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  const sms: ContactMethod = {
    id: 'cm_sms',
    type: 'sms',
    number: '+447700900301',
    createdAt: '2026-12-01T00:00:00Z',
    verifiedAt: '2026-12-01T00:01:00Z',
  };

  beforeAll(async () => {
    env = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), 'fireline-contacts-'));
    await changeContactProfile(env.models, 'erin', () => ({
      next: { methods: [sms], rules: { high: [{ methodId: 'cm_sms', afterSeconds: 0 }], low: [] } },
      result: undefined,
    }));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await env?.teardown();
  });

  it('answers the last copy read, also from its file after a restart, and refuses a person never read', async () => {
    // A connection of the reader's own, closed below: MongoDB stops answering it.
    const database = env.models.ContactMethods.db.name;
    const uri = new URL(loadConfig().MONGODB_URI!);
    uri.pathname = `/${database}`;
    const mongo = await connectMongo(uri.toString());
    const snapshot = new JsonStateFile<Record<string, ContactProfile>>(
      path.join(dir, 'contact-methods.json'),
    );
    const reader = new ContactMethodReader(createModels(mongo), { timeoutMs: 500, snapshot });
    const read = await reader.pagingProfile('erin');
    expect(read.methods.map((m) => m.id)).toEqual(['cm_sms']);
    expect(await reader.pagingProfile('frank')).toEqual({ methods: [] });
    await mongo.close();

    expect(await reader.pagingProfile('erin')).toEqual(read);
    // Known to have nothing: nothing, not an error.
    expect(await reader.pagingProfile('frank')).toEqual({ methods: [] });
    await expect(reader.pagingProfile('gina')).rejects.toBeInstanceOf(ContactMethodsUnknown);

    // A restarted worker, MongoDB still away: the file's copy.
    const restarted = new ContactMethodReader(createModels(mongo), { timeoutMs: 500, snapshot });
    expect(await restarted.pagingProfile('erin')).toEqual(read);
    await expect(restarted.pagingProfile('gina')).rejects.toThrow(
      /the contact methods of gina are unreadable .* and none were read before/,
    );
  });
});
