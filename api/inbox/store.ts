import { listDevInbox } from '../../infra/dev-inbox';
import type { DevInboxDocument } from '../../infra/models';
import type { ApiDeps } from '../deps';

/** The newest pages the development inbox kept. */
export function readDevInbox(deps: Pick<ApiDeps, 'models'>): Promise<DevInboxDocument[]> {
  return listDevInbox(deps.models);
}
