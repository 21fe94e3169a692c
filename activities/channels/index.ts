import { ApplicationFailure } from '@temporalio/common';
import type { ChannelType } from '../../domain/incident';
import type { OnCallCatalog } from '../../domain/oncall';
import type { ContactMethod } from '../../domain/contact-methods';
import { emailChannel } from './email';
import { ntfyChannel } from './ntfy';
import { pushChannel } from './push';
import { slackChannel } from './slack';
import { slackDmChannel } from './slack-dm';
import { smsChannel } from './sms';
import { teamsChannel } from './teams';
import type { ChannelModule, ChannelSettings, ChannelTarget } from './types';
import { voiceChannel } from './voice';
import { webhookChannel } from './webhook';

export type { ChannelDeps, ChannelSettings, ChannelTarget, OutgoingNotification, SendResult } from './types';

/** Every channel type and the module that reaches people through it: a new type is a module and a line here. */
export const channelModules: { [T in ChannelType]: ChannelModule<T> } = {
  email: emailChannel,
  slack: slackChannel,
  teams: teamsChannel,
  webhook: webhookChannel,
  sms: smsChannel,
  voice: voiceChannel,
  push: pushChannel,
  ntfy: ntfyChannel,
  slack_dm: slackDmChannel,
};

/** A person's verified contact method as the destination `destination`; fails without retry for a type that cannot page. */
export function contactMethodTarget(method: ContactMethod, destination: string): ChannelTarget {
  const module: ChannelModule | undefined =
    method.type in channelModules ? channelModules[method.type as ChannelType] : undefined;
  if (!module?.contactMethods) {
    throw ApplicationFailure.nonRetryable(
      `contact methods of type ${method.type} cannot be paged by the worker`,
      'ChannelNotConfigured',
    );
  }
  return module.contactMethods.target(method, destination);
}

/** Every destination of the catalog, of every type. */
export function channelTargets(catalog: OnCallCatalog): ChannelTarget[] {
  return Object.values(channelModules).flatMap((module: ChannelModule) => module.targets(catalog));
}

/** The destination a delivery names; fails without retry when the catalog has none of that type. */
export function channelTarget(catalog: OnCallCatalog, type: ChannelType, destination: string): ChannelTarget {
  const target = channelModules[type].targets(catalog).find((t) => t.destination === destination);
  if (!target) {
    throw ApplicationFailure.nonRetryable(
      `channel ${destination} is not in the catalog`,
      'ChannelNotConfigured',
    );
  }
  return target;
}

/** Each variable the catalog's channels need and `settings` lack, with the destinations that need it. */
export function missingChannelSettings(
  catalog: OnCallCatalog,
  settings: ChannelSettings,
): Array<{ variable: string; destinations: string[] }> {
  const missing = new Map<string, string[]>();
  for (const target of channelTargets(catalog)) {
    for (const variable of target.missingSettings(settings)) {
      missing.set(variable, [...(missing.get(variable) ?? []), target.destination]);
    }
  }
  // People's contact methods are added at run time: a provider is checked once any of its variables is set.
  for (const module of Object.values(channelModules) as ChannelModule[]) {
    if (!module.contactMethods?.inUse(settings)) continue;
    for (const variable of module.contactMethods.missingSettings(settings)) {
      missing.set(variable, [...(missing.get(variable) ?? []), `${module.type} contact methods`]);
    }
  }
  return [...missing].map(([variable, destinations]) => ({ variable, destinations }));
}

/** Whether at least one destination of the catalog has every setting it needs. */
export function anyChannelReady(catalog: OnCallCatalog, settings: ChannelSettings): boolean {
  return channelTargets(catalog).some((target) => target.missingSettings(settings).length === 0);
}

/** Stops a worker at start when a channel of its catalog is not configured, naming each variable. */
export class ChannelSettingsMissing extends Error {
  constructor(readonly missing: Array<{ variable: string; destinations: string[] }>) {
    super(
      `channel settings are not set: ${missing
        .map(({ variable, destinations }) => `${variable} (for ${destinations.join(', ')})`)
        .join('; ')}. Set them, remove those channels from the catalog, or turn on the development ` +
        `inbox (FIRELINE_DEV_INBOX=true, development only)`,
    );
    this.name = 'ChannelSettingsMissing';
  }
}

/** Throws ChannelSettingsMissing when a destination of the catalog lacks a setting. */
export function assertChannelSettings(catalog: OnCallCatalog, settings: ChannelSettings): void {
  const missing = missingChannelSettings(catalog, settings);
  if (missing.length > 0) throw new ChannelSettingsMissing(missing);
}
