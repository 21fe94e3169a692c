import { Schema, type Connection, type Model } from 'mongoose';

/** An incident's message in one chat channel (the Slack app's), updated in place as the incident changes. */
export interface ChatMessageDocument {
  /** `<incident id>:<catalog channel id>`: found by a bare `_id`, which every MongoDB-wire server looks up by key. */
  _id: string;
  incidentId: string;
  /** The catalog's channel id. */
  channelId: string;
  provider: 'slack';
  /** Slack's conversation id and the message's `ts`. */
  conversation: string;
  ts: string;
  /** The last timeline entry posted in the thread. */
  threadedSeq: number;
  /** Pages already posted in the thread (their idempotency keys): a retried page is posted once. */
  pageKeys: string[];
  createdAt: Date;
}

const chatMessageSchema = new Schema<ChatMessageDocument>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    channelId: { type: String, required: true },
    provider: { type: String, required: true },
    conversation: { type: String, required: true },
    ts: { type: String, required: true },
    threadedSeq: { type: Number, required: true, default: 0 },
    pageKeys: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
  },
  { collection: 'chat_messages', versionKey: false },
);

export function chatMessageModel(connection: Connection): Model<ChatMessageDocument> {
  return connection.model<ChatMessageDocument>('ChatMessage', chatMessageSchema);
}

export function chatMessageId(incidentId: string, channelId: string): string {
  return `${incidentId}:${channelId}`;
}
