import type { mongo } from 'mongoose';

/** Which MongoDB-wire server answers on a database, by its own account (FerretDB adds `ferretdbVersion` to buildInfo). */
export async function mongoServerOf(db: mongo.Db): Promise<{ kind: 'ferretdb' | 'mongod'; name: string }> {
  const info = await db.admin().command({ buildInfo: 1 });
  if ('ferretdbVersion' in info) {
    return {
      kind: 'ferretdb',
      name: `FerretDB ${String(info.ferretdbVersion)} (speaking MongoDB ${String(info.version)})`,
    };
  }
  return { kind: 'mongod', name: `MongoDB ${String(info.version)}` };
}
