import { commandAction, webhookAction } from './builtin';
import type { ActionImpl, AllowedCommand } from './types';

export type { ActionContext, ActionImpl, AllowedCommand } from './types';

/**
 * Commands runbooks may run on the worker host: edit for your hosts. Only
 * these, as argv arrays; extra arguments must match `argPattern`.
 */
export const commandAllowlist: AllowedCommand[] = [
  {
    id: 'clean-tmp',
    argv: ['find', '/var/tmp/fireline-cleanup', '-type', 'f', '-mtime', '+1', '-delete'],
  },
  {
    id: 'disk-usage',
    argv: ['df', '-P'],
    argPattern: /^\/[A-Za-z0-9/_.-]*$/,
    maxArgs: 1,
  },
];

/** Every action runbooks can call. Register your own here: `myAction: async (input, ctx) => ({ summary })`. */
export function defaultActions(allowlist: AllowedCommand[] = commandAllowlist): Record<string, ActionImpl> {
  return {
    webhook: webhookAction,
    command: commandAction(allowlist),
  };
}
