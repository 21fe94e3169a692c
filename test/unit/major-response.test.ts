import type { Responder } from '../../domain/incident';
import { addResponder, openingResponse } from '../../domain/major-response';

const at = '2026-11-26T12:00:00.000Z';

describe('a major incident response', () => {
  it('opens with the bridge the catalog names', () => {
    expect(openingResponse({ bridgeUrl: 'https://meet.example/sre' }, 'sre', at)).toEqual({
      response: { openedAt: at, bridgeUrl: 'https://meet.example/sre', responders: [] },
      message:
        'Major incident response opened: bridge https://meet.example/sre; the incident commander role is open to claim',
      data: { bridgeUrl: 'https://meet.example/sre' },
    });
  });

  it('opens while a webhook creates the bridge, or says there is none', () => {
    const created = openingResponse({ bridgeWebhook: true }, 'sre', at);
    expect(created.response).toEqual({ openedAt: at, responders: [] });
    expect(created.message).toContain('a bridge is being created');
    const none = openingResponse({}, 'payments', at);
    expect(none.response.bridgeProblem).toBe('no bridge is configured for team payments');
    expect(none.message).toContain('no bridge configured for team payments');
    expect(none.data).toEqual({});
  });

  it('lists each responder once; someone paged who acts is responding', () => {
    const responders: Responder[] = [];
    expect(addResponder(responders, 'user:dave', 'paged', at)).toBe(true);
    expect(addResponder(responders, 'user:dave', 'paged', at)).toBe(false);
    expect(addResponder(responders, 'user:dave', 'acted', '2026-11-26T12:03:00.000Z')).toBe(true);
    expect(addResponder(responders, 'user:dave', 'paged', at)).toBe(false);
    expect(addResponder(responders, 'user:erin', 'acted', at)).toBe(true);
    expect(responders).toEqual([
      { actor: 'user:dave', how: 'acted', since: at },
      { actor: 'user:erin', how: 'acted', since: at },
    ]);
  });
});
