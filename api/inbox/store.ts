import { listDevInbox } from '../../infra/dev-inbox';
import type { DevInboxDocument } from '../../infra/models';
import { DEFAULT_MONGO_LOOKUP_TIMEOUT_MS, withMongoTimeout } from '../../infra/mongo';
import type { ApiDeps } from '../deps';

/** The newest pages the development inbox kept. */
export function readDevInbox(deps: Pick<ApiDeps, 'models'>): Promise<DevInboxDocument[]> {
  return listDevInbox(deps.models);
}

/** One page the development inbox kept, or null. */
export function readDevInboxEntry(
  deps: Pick<ApiDeps, 'models' | 'config'>,
  id: string,
): Promise<DevInboxDocument | null> {
  return withMongoTimeout(
    'reading a development inbox page',
    deps.config.MONGODB_LOOKUP_TIMEOUT_MS ?? DEFAULT_MONGO_LOOKUP_TIMEOUT_MS,
    () => deps.models.DevInbox.findById(id).lean(),
  );
}
