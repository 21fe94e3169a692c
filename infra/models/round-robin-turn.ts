import { Schema, type Connection, type Model } from 'mongoose';

/** How many incidents a round-robin level has paged: `<policy id>:l<level>`. */
export interface RoundRobinTurnDocument {
  _id: string;
  turns: number;
}

const roundRobinTurnSchema = new Schema<RoundRobinTurnDocument>(
  {
    _id: { type: String, required: true },
    turns: { type: Number, required: true },
  },
  { collection: 'round_robin_turns', versionKey: false },
);

export function roundRobinTurnModel(connection: Connection): Model<RoundRobinTurnDocument> {
  return connection.model<RoundRobinTurnDocument>('RoundRobinTurn', roundRobinTurnSchema);
}
