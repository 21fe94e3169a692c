import type { MaintenanceWindow } from '../domain/maintenance';
import { windowsNotOver } from '../domain/maintenance';
import type { MaintenanceWindowDocument, Models } from './models';

type WindowModels = Pick<Models, 'MaintenanceWindows'>;

export function windowOf(doc: MaintenanceWindowDocument): MaintenanceWindow {
  return {
    id: doc._id,
    services: [...doc.services],
    ...(doc.team !== undefined ? { team: doc.team } : {}),
    startsAt: doc.startsAt.toISOString(),
    endsAt: doc.endsAt.toISOString(),
    reason: doc.reason,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt.toISOString(),
    silenceSev1: doc.silenceSev1,
    ...(doc.weekly
      ? {
          weekly: {
            timeZone: doc.weekly.timeZone,
            ...(doc.weekly.until ? { until: doc.weekly.until.toISOString() } : {}),
          },
        }
      : {}),
  };
}

function documentOf(window: MaintenanceWindow): MaintenanceWindowDocument {
  return {
    _id: window.id,
    services: window.services,
    ...(window.team !== undefined ? { team: window.team } : {}),
    startsAt: new Date(window.startsAt),
    endsAt: new Date(window.endsAt),
    reason: window.reason,
    createdBy: window.createdBy,
    createdAt: new Date(window.createdAt),
    silenceSev1: window.silenceSev1,
    ...(window.weekly
      ? {
          weekly: {
            timeZone: window.weekly.timeZone,
            ...(window.weekly.until ? { until: new Date(window.weekly.until) } : {}),
          },
        }
      : {}),
  };
}

/** Every window, the next to start first. */
export async function listMaintenanceWindows(models: WindowModels): Promise<MaintenanceWindow[]> {
  const docs = await models.MaintenanceWindows.find({}).lean();
  return docs.map(windowOf).sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}

/**
 * The windows not over at `at`: what the worker holds in memory and checks
 * each new incident against. Those over are filtered here rather than by the
 * query, as a weekly window's end is its last occurrence's.
 */
export async function listWindowsNotOver(models: WindowModels, at: Date): Promise<MaintenanceWindow[]> {
  const docs = await models.MaintenanceWindows.find({
    $or: [{ endsAt: { $gt: at } }, { weekly: { $exists: true } }],
  }).lean();
  return windowsNotOver(docs.map(windowOf), at);
}

export async function getMaintenanceWindow(
  models: WindowModels,
  id: string,
): Promise<MaintenanceWindow | undefined> {
  const doc = await models.MaintenanceWindows.findById(id).lean();
  return doc ? windowOf(doc) : undefined;
}

export async function storeMaintenanceWindow(models: WindowModels, window: MaintenanceWindow): Promise<void> {
  await models.MaintenanceWindows.create(documentOf(window));
}

/** Replaces a window as a whole (ending one early sets its end). */
export async function replaceMaintenanceWindow(
  models: WindowModels,
  window: MaintenanceWindow,
): Promise<void> {
  await models.MaintenanceWindows.replaceOne({ _id: window.id }, documentOf(window));
}

export async function deleteMaintenanceWindow(models: WindowModels, id: string): Promise<boolean> {
  return (await models.MaintenanceWindows.deleteOne({ _id: id })).deletedCount > 0;
}
