import { Schema, type Connection, type Model } from 'mongoose';

/** A maintenance window (domain/maintenance.ts), keyed by its id; instants stored as dates. */
export interface MaintenanceWindowDocument {
  _id: string;
  services: string[];
  team?: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
  createdAt: Date;
  silenceSev1: boolean;
  weekly?: { timeZone: string; until?: Date };
}

const maintenanceWindowSchema = new Schema<MaintenanceWindowDocument>(
  {
    _id: { type: String, required: true },
    services: { type: [String], required: true },
    team: { type: String },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    reason: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    silenceSev1: { type: Boolean, required: true },
    weekly: { type: { timeZone: String, until: Date }, _id: false, default: undefined },
  },
  { collection: 'maintenance_windows', versionKey: false },
);

export function maintenanceWindowModel(connection: Connection): Model<MaintenanceWindowDocument> {
  return connection.model<MaintenanceWindowDocument>('MaintenanceWindow', maintenanceWindowSchema);
}
