import {
  integrationIdFrom,
  serviceOf,
  serviceProblems,
  serviceReferences,
  servicesNaming,
  triageRuleProblems,
} from '../../domain/runtime-services';
import type { Models } from '../../infra/models';
import { MongoUnavailableError } from '../../infra/mongo';
import { routingKeyHash, RoutingKeyResolver } from '../../infra/runtime-services';
import { testCatalog, testRules } from '../helpers/test-catalog';

describe('services made at run time', () => {
  const catalog = {
    ...testCatalog(),
    teams: [...(testCatalog().teams ?? []), { id: 'shop', name: 'Shop', members: [] }],
    services: [{ id: 'checkout-api', name: 'Checkout API', team: 'shop', escalationPolicy: 'two-levels' }],
  };

  it('names a team or policy that does not exist', () => {
    expect(serviceProblems({ team: 'shop', escalationPolicy: 'two-levels' }, catalog)).toEqual([]);
    expect(serviceProblems({ team: 'ghosts', escalationPolicy: 'nope' }, catalog)).toEqual([
      { field: 'body.team', message: 'ghosts is not a team' },
      { field: 'body.escalationPolicy', message: 'nope is not an escalation policy' },
    ]);
  });

  it('finds the rules that match a service by name, and the services naming a team or policy', () => {
    // `payments` by name; a pattern (`/^oncall-/`) names no service in particular.
    expect(serviceReferences(testRules(), 'payments')).toEqual(['rule payments-critical']);
    expect(serviceReferences(testRules(), 'oncall-web')).toEqual([]);
    expect(servicesNaming(catalog, 'team', 'shop')).toEqual(['service checkout-api']);
    expect(servicesNaming(catalog, 'escalationPolicy', 'two-levels')).toEqual(['service checkout-api']);
    expect(serviceOf(catalog, 'checkout-api')?.team).toBe('shop');
  });

  it("names each triage rule's team or policy the model lacks", () => {
    expect(triageRuleProblems(testRules(), catalog)).toEqual([]);
    const rules = testRules();
    rules.rules[0]!.team = 'ghosts';
    rules.defaultRule.escalationPolicy = 'nope';
    expect(triageRuleProblems(rules, catalog)).toEqual([
      { field: `rule ${rules.rules[0]!.id}.team`, message: 'ghosts is not a team' },
      { field: 'defaultRule default.escalationPolicy', message: 'nope is not an escalation policy' },
    ]);
  });

  it('builds integration ids from bytes', () => {
    expect(integrationIdFrom(new Uint8Array([1, 2, 3, 0xab, 0xcd, 0xef, 9]))).toBe('INT-010203ABCDEF');
  });
});

describe('RoutingKeyResolver', () => {
  const key = '0123456789abcdef0123456789abcdef';
  const seeded = 'seeded-key-0123456789abcdef012345';
  /** A RoutingKeys model whose lookups answer from `stored`, or never while `hung`. */
  const model = (stored: Record<string, string>, state: { hung: boolean; lookups: number }) =>
    ({
      findById: (id: string) => ({
        lean: () => {
          state.lookups += 1;
          if (state.hung) return new Promise(() => undefined);
          return Promise.resolve(
            stored[id] ? { _id: id, serviceId: stored[id], integrationId: 'INT-1' } : null,
          );
        },
      }),
    }) as unknown as Models['RoutingKeys'];

  it('routes a stored key by its hash, remembers it through an outage, and a seeded key without a lookup', async () => {
    const state = { hung: false, lookups: 0 };
    const resolver = new RoutingKeyResolver(
      { RoutingKeys: model({ [routingKeyHash(key)]: 'checkout-api' }, state) },
      new Map([[seeded, 'payments']]),
      { cacheMs: 0, outageGraceMs: 60_000, lookupTimeoutMs: 50 },
    );
    expect(await resolver.serviceOf(key)).toBe('checkout-api');
    expect(await resolver.serviceOf('f'.repeat(32))).toBeUndefined();
    expect(await resolver.serviceOf('short')).toBeUndefined();
    const before = state.lookups;
    expect(await resolver.serviceOf(seeded)).toBe('payments');
    expect(state.lookups).toBe(before);

    state.hung = true;
    expect(await resolver.serviceOf(key)).toBe('checkout-api');
    expect(await resolver.serviceOf(seeded)).toBe('payments');
    await expect(resolver.serviceOf('e'.repeat(32))).rejects.toBeInstanceOf(MongoUnavailableError);
  });
});
