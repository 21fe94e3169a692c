import type { Person } from '../../domain/oncall';
import { firstAdmin, mayActOn, mayUse, personById, scopesOf } from '../../domain/rights';
import { nobodyMayApprove } from '../../domain/runbook';
import { onCallCatalog } from '../../config/oncall-catalog';

const alice: Person = { id: 'alice', name: 'Alice', rights: [{ role: 'admin' }] };
const bob: Person = { id: 'bob', name: 'Bob', rights: [{ role: 'responder' }] };
const pat: Person = {
  id: 'pat',
  name: 'Pat',
  rights: [{ role: 'responder', teams: ['payments'], services: ['checkout'] }, { role: 'observer' }],
};
const olive: Person = { id: 'olive', name: 'Olive' };

const sre = { incidentId: 'INC-0123456789AB', team: 'sre', service: 'search' };
const payments = { incidentId: 'INC-0123456789AC', team: 'payments', service: 'ledger' };
const checkout = { incidentId: 'INC-0123456789AD', team: 'sre', service: 'checkout' };

describe('rights of people', () => {
  it('gives each role its scopes; a person without rights only reads', () => {
    expect(scopesOf(olive)).toEqual(['incidents:read']);
    expect(scopesOf(bob).sort()).toEqual(
      ['approvals:decide', 'incidents:read', 'incidents:write', 'postmortems:write', 'runbooks:run'].sort(),
    );
    expect(scopesOf(alice)).toEqual(['admin']);
    expect(mayUse(alice, 'oncall:write')).toBeUndefined();
    expect(mayUse(bob, 'oncall:write')).toBe(
      'Bob (bob) may not use oncall:write (their rights: responder of every incident)',
    );
  });

  it('lets a right without teams or services cover every incident, and one with them only theirs', () => {
    expect(mayActOn(bob, 'incidents:write', sre)).toBeUndefined();
    expect(mayActOn(alice, 'approvals:decide', sre)).toBeUndefined();
    expect(mayActOn(pat, 'incidents:write', payments)).toBeUndefined();
    expect(mayActOn(pat, 'incidents:write', checkout)).toBeUndefined();
    expect(mayActOn(pat, 'incidents:read', sre)).toBeUndefined();
    expect(mayActOn(pat, 'incidents:write', sre)).toBe(
      'Pat (pat) may not use incidents:write on INC-0123456789AB (team sre, service search) ' +
        '(their rights: responder of team payments, service checkout; observer of every incident)',
    );
  });

  it('refuses a person without rights anything but reading, saying so', () => {
    expect(mayActOn(olive, 'incidents:read', sre)).toBeUndefined();
    expect(mayActOn(olive, 'incidents:write', sre)).toBe(
      'Olive (olive) may not use incidents:write (the on-call catalog gives them no rights, so they only read)',
    );
  });

  it('finds people by id, and the first admin of every incident', () => {
    const catalog = { people: [pat, bob, alice] };
    expect(personById(catalog, 'bob')).toBe(bob);
    expect(personById(catalog, 'nobody')).toBeUndefined();
    expect(firstAdmin(catalog)).toBe(alice);
    expect(
      firstAdmin({ people: [{ id: 'x', name: 'X', rights: [{ role: 'admin', teams: ['sre'] }] }] }),
    ).toBe(undefined);
  });

  it("gives the repository's catalog people explicit rights, an admin among them, and distinct Slack ids", () => {
    for (const person of onCallCatalog.people) expect(person.rights?.length).toBeGreaterThan(0);
    expect(firstAdmin(onCallCatalog)).toBeDefined();
    const slackIds = onCallCatalog.people.flatMap((p) => (p.slackUserId ? [p.slackUserId] : []));
    expect(new Set(slackIds).size).toBe(slackIds.length);
  });
});

describe('who may approve', () => {
  const request = { requestedBy: 'user:alice', allowSelfApproval: false };

  it('is the approvers less the requester, unless self-approval is allowed', () => {
    expect(nobodyMayApprove({ ...request, approvers: ['user:alice', 'user:bob'] })).toBeUndefined();
    expect(
      nobodyMayApprove({ ...request, approvers: ['user:alice'], allowSelfApproval: true }),
    ).toBeUndefined();
  });

  it('is nobody when no one is listed, or only the requester: never anyone', () => {
    expect(nobodyMayApprove({ ...request, approvers: [] })).toBe(
      'nobody may approve it: the escalation policy reaches no one whose rights let them decide approvals on this incident',
    );
    expect(nobodyMayApprove({ ...request, approvers: ['user:alice'] })).toBe(
      'nobody may approve it: its only approver, user:alice, started the run and may not approve it too',
    );
  });
});
