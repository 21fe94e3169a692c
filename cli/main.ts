#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createApiKey, revokeApiKey } from '../auth/api-keys';
import { loadConfigOrExit } from '../config';
import { connectMongo } from '../infra/mongo';
import { apiScopes, createModels, type ApiScope } from '../models';

const usage = `usage: fireline keys create --name NAME --scopes SCOPE[,SCOPE…]
       fireline keys revoke ID_OR_NAME
       fireline keys ls
scopes: ${apiScopes.join(', ')}
Needs MONGODB_URI (the one the API uses).`;

function fail(message: string, code = 2): never {
  process.stderr.write(`fireline: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [area, command, ...rest] = argv;
  if (area !== 'keys' || !command) fail(usage);
  const config = loadConfigOrExit();
  if (!config.MONGODB_URI) fail('MONGODB_URI is not set: point it at the MongoDB the API uses', 1);
  const mongo = await connectMongo(config.MONGODB_URI);
  const models = createModels(mongo);
  try {
    if (command === 'create') {
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: 'string' }, scopes: { type: 'string' } },
      });
      if (!values.name || !/^[A-Za-z0-9._@-]{1,100}$/.test(values.name))
        fail('--name must be 1-100 letters, digits or . _ @ -');
      const scopes = (values.scopes ?? '').split(',').filter(Boolean);
      const unknown = scopes.filter((s) => !(apiScopes as readonly string[]).includes(s));
      if (scopes.length === 0 || unknown.length > 0)
        fail(
          `--scopes must list some of: ${apiScopes.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
        );
      const { token, keyId } = await createApiKey(models, values.name, scopes as ApiScope[]);
      process.stderr.write(
        `created key ${keyId} "${values.name}" with ${scopes.join(', ')}; it is shown once:\n`,
      );
      process.stdout.write(`${token}\n`);
    } else if (command === 'revoke') {
      const target = rest[0] ?? fail('say which key: its id or name');
      const revoked = await revokeApiKey(models, target);
      if (revoked === 0) fail(`no active key ${target}`, 1);
      process.stderr.write(`revoked ${revoked} key(s)\n`);
    } else if (command === 'ls') {
      const keys = await models.ApiKey.find({}, { name: 1, scopes: 1, createdAt: 1, revokedAt: 1 })
        .sort({ createdAt: 1 })
        .lean();
      for (const key of keys) {
        process.stdout.write(
          `${key._id}  ${key.name.padEnd(20)}  ${key.scopes.join(',').padEnd(40)}  ${key.revokedAt ? 'revoked' : 'active'}\n`,
        );
      }
    } else {
      fail(usage);
    }
  } finally {
    await mongo.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) =>
  fail(err instanceof Error ? err.message : String(err), 1),
);
