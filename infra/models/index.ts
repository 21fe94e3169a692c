import type { Connection } from 'mongoose';
import { incidentModel } from './incident';
import { apiKeyModel } from './api-key';
import { postmortemModel } from './postmortem';
import { roundTripCheckModel } from './round-trip-check';
import { actionLedgerModel, drillReportModel } from './runbook';
import { timelinePageModel } from './timeline-page';
import { scheduleOverridesModel } from './schedule-overrides';
import { calendarFeedModel } from './calendar-feed';
import { devInboxModel } from './dev-inbox';
import { chatMessageModel } from './chat-message';
import { alertRouteModel } from './alert-route';
import { heartbeatModel } from './heartbeat';
import { maintenanceWindowModel } from './maintenance-window';
import { uiSessionModel } from './ui-session';
import { contactMethodsModel } from './contact-methods';
import { revisionClaimModel } from './revision-claim';
import { onCallScheduleModel } from './oncall-schedule';
import { onCallChangeModel } from './oncall-change';
import { onCallPersonModel } from './oncall-person';
import { onCallTeamModel } from './oncall-team';
import { roundRobinTurnModel } from './round-robin-turn';
import { onCallServiceModel, routingKeyModel, serviceIntegrationModel } from './oncall-service';
import { onCallPolicyModel } from './oncall-policy';
import { publicIncidentModel, statusComponentModel, statusSubscriberModel } from './status-page';

export type { RoundTripCheck } from './round-trip-check';
export {
  fromIncidentDocument,
  optionalIncidentFields,
  toIncidentDocument,
  type IncidentDocument,
} from './incident';
export {
  apiKeyPersonPattern,
  apiKeyServicePattern,
  apiScopes,
  type ApiKeyDocument,
  type ApiScope,
} from './api-key';
export { fromPostmortemDocument, toPostmortemDocument, type PostmortemDocument } from './postmortem';
export type { ActionLedgerEntry, DrillReportDocument } from './runbook';
export type { TimelinePageDocument } from './timeline-page';
export type { ScheduleOverridesDocument } from './schedule-overrides';
export type { CalendarFeedDocument } from './calendar-feed';
export type { DevInboxAnswerable, DevInboxDocument } from './dev-inbox';
export { chatMessageId, type ChatMessageDocument } from './chat-message';
export type { AlertRouteDocument } from './alert-route';
export type { MaintenanceWindowDocument } from './maintenance-window';
export type { UiSessionDocument } from './ui-session';
export type { ContactMethodsDocument } from './contact-methods';
export type { RevisionClaimDocument } from './revision-claim';
export type { OnCallScheduleDocument } from './oncall-schedule';
export type { OnCallChangeDocument } from './oncall-change';
export type { OnCallPolicyDocument } from './oncall-policy';
export type { OnCallPersonDocument } from './oncall-person';
export type { OnCallTeamDocument } from './oncall-team';
export type {
  StatusComponentDocument,
  PublicIncidentDocument,
  StatusSubscriberDocument,
} from './status-page';
export type { OnCallServiceDocument, ServiceIntegrationDocument, RoutingKeyDocument } from './oncall-service';

/** All mongoose models of Fireline, bound to one connection. */
export function createModels(connection: Connection) {
  return {
    RoundTripCheck: roundTripCheckModel(connection),
    Incident: incidentModel(connection),
    TimelinePage: timelinePageModel(connection),
    ActionLedger: actionLedgerModel(connection),
    DrillReport: drillReportModel(connection),
    Postmortem: postmortemModel(connection),
    ApiKey: apiKeyModel(connection),
    ScheduleOverrides: scheduleOverridesModel(connection),
    CalendarFeed: calendarFeedModel(connection),
    DevInbox: devInboxModel(connection),
    ChatMessage: chatMessageModel(connection),
    AlertRoute: alertRouteModel(connection),
    UiSession: uiSessionModel(connection),
    ContactMethods: contactMethodsModel(connection),
    RevisionClaims: revisionClaimModel(connection),
    OnCallSchedules: onCallScheduleModel(connection),
    OnCallChanges: onCallChangeModel(connection),
    OnCallPolicies: onCallPolicyModel(connection),
    OnCallPeople: onCallPersonModel(connection),
    OnCallTeams: onCallTeamModel(connection),
    OnCallServices: onCallServiceModel(connection),
    ServiceIntegrations: serviceIntegrationModel(connection),
    RoutingKeys: routingKeyModel(connection),
    RoundRobinTurns: roundRobinTurnModel(connection),
    Heartbeats: heartbeatModel(connection),
    MaintenanceWindows: maintenanceWindowModel(connection),
    StatusComponents: statusComponentModel(connection),
    PublicIncidents: publicIncidentModel(connection),
    StatusSubscribers: statusSubscriberModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Creates the indexes every model declares; run once at boot by the worker and the API. */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
}
