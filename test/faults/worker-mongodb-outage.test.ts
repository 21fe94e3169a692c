import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { onCallCatalog } from '../../config/oncall-catalog';
import type { MongoServer } from '../../stack/mongo';
import { OwnMongoServer } from '../helpers/own-mongo';
import { eventually } from '../helpers/http-receiver';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { killProcess, spawnWorkerProcess } from '../helpers/worker-process';

interface Mail {
  to: string[];
  data: string;
}

// A worker process (the repository's own catalog and rules) reads an on-call
// override, MongoDB is paused, and the worker is restarted during the pause:
// it starts at all, and the next incident pages the person covering, as the
// worker knew it before its restart. When MongoDB comes back, it builds the indexes.
describe('worker started during a MongoDB outage', () => {
  let env: TestEnv;
  let mongo: MongoServer | undefined;
  let worker: ChildProcess | undefined;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: Mail[] = [];
  const ownMongo = new OwnMongoServer('worker-outage');
  const stateDir = path.join(ownMongo.dataDir, 'worker-state');

  beforeAll(async () => {
    mongo = await ownMongo.start();
    env = await createTestEnv({ mongoUri: mongo.uri });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => {
    await killProcess(worker);
    await env?.teardown();
    await mongo?.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    ownMongo.remove();
  });

  const startWorker = () =>
    spawnWorkerProcess(env, {
      FIRELINE_STATE_DIR: stateDir,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    });
  const emailOf = (personId: string) => onCallCatalog.people.find((p) => p.id === personId)!.email!;
  /** The emails about an incident, by its title. */
  const mailsAbout = (title: string) => mails.filter((m) => m.data.includes(title));
  const alert = (summary: string, dedupKey: string) =>
    request(env.app)
      .post('/v1/alerts')
      .send({ service: 'outage-worker', summary, severity: 'warning', dedupKey });

  it('starts without MongoDB and pages with the override it read before its restart', async () => {
    // The repository's catalog: warnings page the SRE primary schedule at level 1.
    const onCall = await request(env.app).get('/v1/oncall').expect(200);
    const scheduled = (onCall.body.schedules as Array<{ id: string; onCall?: { id: string } }>).find(
      (s) => s.id === 'sre-primary',
    )!.onCall!.id;
    const covering = ['alice', 'bob', 'carol'].find((id) => id !== scheduled)!;
    const now = Date.now();
    await request(env.app)
      .post('/v1/schedules/sre-primary/overrides')
      .send({
        personId: covering,
        start: new Date(now - 60_000).toISOString(),
        end: new Date(now + 3_600_000).toISOString(),
      })
      .expect(201);
    // A schedule made at run time is kept with the overrides, for the pages made while MongoDB is away.
    await request(env.app)
      .post('/v1/schedules')
      .send({
        id: 'made-at-run-time',
        name: 'Made at run time',
        timeZone: 'UTC',
        layers: [
          {
            participants: ['bob'],
            rotation: { every: 1, unit: 'week' },
            start: '2026-01-05',
            handoffTime: '09:00',
          },
        ],
      })
      .expect(201);

    worker = startWorker();
    await alert('Paged before the outage', 'before').expect(202);
    const before = await eventually(() => {
      const [mail] = mailsAbout('Paged before the outage');
      if (!mail) throw new Error('no email about the first incident yet');
      return mail;
    }, 30_000);
    expect(before.to).toEqual([emailOf(covering)]);
    const saved = JSON.parse(readFileSync(path.join(stateDir, 'oncall-runtime.json'), 'utf8')) as {
      value: { schedules: Array<{ id: string; revision: number }>; overrides: Array<{ personId: string }> };
    };
    expect(saved.value.schedules).toEqual([expect.objectContaining({ id: 'made-at-run-time', revision: 1 })]);
    expect(saved.value.overrides).toEqual([expect.objectContaining({ personId: covering })]);

    await killProcess(worker);
    // The worker started next has to build the indexes itself once MongoDB answers.
    await env.mongo.db!.collection('incidents').dropIndexes();
    // Paused (SIGSTOP), the hardest outage: the process is there and its sockets take connections, but nothing answers.
    mongo!.pause();
    worker = startWorker();

    await alert('Paged during the outage', 'during').expect(202);
    const during = await eventually(() => {
      const [mail] = mailsAbout('Paged during the outage');
      if (!mail) throw new Error('no email about the incident opened during the outage yet');
      return mail;
    }, 45_000);
    expect(during.to).toEqual([emailOf(covering)]);
    expect(mailsAbout('Paged during the outage').flatMap((m) => m.to)).not.toContain(emailOf(scheduled));
    expect(worker.exitCode).toBeNull();

    // MongoDB is back: the worker connects and builds the indexes.
    mongo!.resume();
    await eventually(
      async () => {
        const indexes = await env.mongo.db!.collection('incidents').indexes();
        expect(indexes.map((index) => index.name)).toEqual(
          expect.arrayContaining(['status_1_openedAt_-1', 'service_1_openedAt_-1']),
        );
      },
      60_000,
      500,
    );
  }, 240_000);
});
