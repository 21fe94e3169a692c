import type { Models, DevInboxDocument } from './models';
import { isDuplicateKeyError } from './mongo';

type InboxModels = Pick<Models, 'DevInbox'>;

/**
 * The development inbox: with FIRELINE_DEV_INBOX (which `npm start` turns on
 * when no channel is configured), a page for a channel whose variable is not
 * set is kept here, shown in the web UI at /ui/inbox and announced in the
 * terminal, instead of failing on the timeline. Never for production: a
 * page kept here reaches nobody.
 */
export class DevInbox {
  constructor(
    private readonly models: InboxModels,
    private readonly announce?: (line: string) => void,
  ) {}

  async keep(message: Omit<DevInboxDocument, 'at'> & { at?: Date }): Promise<void> {
    try {
      await this.models.DevInbox.create({ ...message, at: message.at ?? new Date() });
    } catch (err) {
      // A retried delivery: kept already.
      if (isDuplicateKeyError(err)) return;
      throw err;
    }
    this.announce?.(
      `dev inbox: ${message.incidentId} [${message.severity}] ${message.title} → ${message.label} (${message.reason}; not sent: ${message.missing} is not set)`,
    );
  }
}

/** The newest pages of the development inbox. */
export async function listDevInbox(models: InboxModels, limit = 100): Promise<DevInboxDocument[]> {
  return models.DevInbox.find({}).sort({ at: -1 }).limit(limit).lean();
}
