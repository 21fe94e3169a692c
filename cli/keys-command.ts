import { createApiKey, revokeApiKey } from '../infra/api-keys';
import { loadConfigOrExit } from '../config';
import { connectMongo } from '../infra/mongo';
import { apiKeyServicePattern, apiScopes, createModels, type ApiScope } from '../infra/models';
import { peopleStore } from '../infra/runtime-people';
import { onCallCatalog } from '../config/oncall-catalog';
import { personById } from '../domain/rights';
import { CliError, ExitCode } from './api-client';

/** `fireline keys …`: talks to MongoDB directly, so only this command loads its driver. */
export async function keys(
  command: string | undefined,
  args: string[],
  flags: Record<string, unknown>,
  usage: string,
): Promise<number> {
  const config = loadConfigOrExit();
  if (!config.MONGODB_URI)
    throw new CliError('MONGODB_URI is not set: point it at the MongoDB the API uses', ExitCode.usage);
  const mongo = await connectMongo(config.MONGODB_URI);
  const models = createModels(mongo);
  try {
    if (command === 'create') {
      const name = typeof flags.name === 'string' ? flags.name : '';
      if (!/^[A-Za-z0-9._@-]{1,100}$/.test(name))
        throw new CliError('--name must be 1-100 letters, digits or . _ @ -', ExitCode.usage);
      const scopes = (typeof flags.scopes === 'string' ? flags.scopes : '').split(',').filter(Boolean);
      const unknown = scopes.filter((s) => !(apiScopes as readonly string[]).includes(s));
      if (scopes.length === 0 || unknown.length > 0)
        throw new CliError(
          `--scopes must list some of: ${apiScopes.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
          ExitCode.usage,
        );
      const services = Array.isArray(flags.service) ? (flags.service as string[]) : undefined;
      const badService = services?.find((s) => !apiKeyServicePattern.test(s));
      if (badService !== undefined)
        throw new CliError(
          `--service ${JSON.stringify(badService)}: must be 1-100 letters, digits, . _ - (starting with a letter or digit)`,
          ExitCode.usage,
        );
      if (services && scopes.includes('admin'))
        throw new CliError(
          '--service cannot restrict an admin key (admin may act for anyone)',
          ExitCode.usage,
        );
      const person = typeof flags.person === 'string' ? flags.person : undefined;
      if (person !== undefined && !personById(onCallCatalog, person)) {
        // People made at run time (API, importers) may have keys too.
        const stored = await peopleStore(models).list();
        if (!stored.some((p) => p.id === person))
          throw new CliError(
            `--person ${JSON.stringify(person)} is not a person of the catalog file (config/oncall-catalog.ts) or made at run time: one of ${[...onCallCatalog.people, ...stored].map((p) => p.id).join(', ')}`,
            ExitCode.usage,
          );
      }
      const { token, keyId } = await createApiKey(models, name, scopes as ApiScope[], { services, person });
      const as = person ? ` acting as ${person}` : '';
      process.stderr.write(
        `created key ${keyId} "${name}"${as} with ${scopes.join(', ')}${services ? ` for ${services.join(', ')}` : ''}; it is shown once:\n`,
      );
      if (!person && scopes.some((s) => s !== 'alerts:write' && s !== 'incidents:read'))
        process.stderr.write(
          'it is linked to no person, so it may post alerts and read but not act on incidents (add --person)\n',
        );
      process.stdout.write(`${token}\n`);
    } else if (command === 'revoke') {
      const target = args[0];
      if (!target) throw new CliError('say which key: its id or name', ExitCode.usage);
      const revoked = await revokeApiKey(models, target);
      if (revoked === 0) throw new CliError(`no active key ${target}`, ExitCode.notFound);
      process.stderr.write(`revoked ${revoked} key(s)\n`);
    } else if (command === 'ls') {
      const all = await models.ApiKey.find(
        {},
        { name: 1, scopes: 1, services: 1, person: 1, createdAt: 1, revokedAt: 1 },
      )
        .sort({ createdAt: 1 })
        .lean();
      for (const key of all) {
        const state = key.revokedAt ? 'revoked' : 'active';
        process.stdout.write(
          `${key._id}  ${key.name.padEnd(20)}  ${(key.person ?? '-').padEnd(12)}  ${key.scopes.join(',').padEnd(40)}  ${(key.services?.join(',') ?? '*').padEnd(20)}  ${state}\n`,
        );
      }
    } else {
      throw new CliError(usage, ExitCode.usage);
    }
    return ExitCode.ok;
  } finally {
    await mongo.close();
  }
}
