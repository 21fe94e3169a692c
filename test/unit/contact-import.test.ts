import { fromOpsgenieContacts, fromPagerDutyContacts } from '../../domain/contact-import';

describe('contact methods and notification rules from PagerDuty', () => {
  it('makes E.164 numbers of country code and address, and names what does not come over', () => {
    const imported = fromPagerDutyContacts(
      'bob',
      [
        { id: 'S1', type: 'sms_contact_method', address: '(202) 555-0184', country_code: 1 },
        { id: 'S2', type: 'sms_contact_method', address: '12', country_code: 1 },
        { id: 'E1', type: 'email_contact_method', address: 'bob@example.com', label: 'Work' },
      ],
      [
        {
          id: 'R1',
          type: 'assignment_notification_rule',
          start_delay_in_minutes: 60,
          urgency: 'high',
          contact_method: { id: 'S1', type: 'sms_contact_method_reference' },
        },
        {
          id: 'R2',
          type: 'assignment_notification_rule',
          start_delay_in_minutes: 61,
          urgency: 'high',
          contact_method: { id: 'S1', type: 'sms_contact_method_reference' },
        },
        {
          id: 'R3',
          type: 'assignment_notification_rule',
          start_delay_in_minutes: 0,
          urgency: 'low',
          contact_method: { id: 'S2', type: 'sms_contact_method_reference' },
        },
      ],
    );
    expect(imported.methods).toEqual([
      { origin: 'pagerduty:S1', type: 'sms', number: '+12025550184' },
      { origin: 'pagerduty:E1', type: 'email', address: 'bob@example.com', label: 'Work' },
    ]);
    expect(imported.rules).toEqual({ high: [{ methodOrigin: 'pagerduty:S1', afterSeconds: 3600 }], low: [] });
    expect(imported.problems).toEqual([
      'contact method S2 (sms_contact_method): not a phone number Fireline can dial: left out',
      "notification rule R2: after 61 minutes is later than Fireline's hour: left out",
      'notification rule R3: its contact method S2 did not come over: left out',
    ]);
  });
});

describe('contacts and notification rules from Opsgenie', () => {
  it('reads country-code-dash-number, leaves disabled contacts and steps out, and fills both urgencies', () => {
    const imported = fromOpsgenieContacts(
      'carol',
      [
        { id: 'c1', method: 'voice', to: '44-7700900456' },
        { id: 'c2', method: 'sms', to: '44-7700900456', status: { enabled: false } },
      ],
      [
        {
          id: 'r1',
          actionType: 'create-alert',
          steps: [
            {
              sendAfter: { timeAmount: 1, timeUnit: 'hours' },
              contact: { method: 'voice', to: '44-7700900456' },
            },
            { sendAfter: { timeAmount: 2 }, contact: { method: 'sms', to: '44-7700900456' } },
            { contact: { method: 'voice', to: '44-7700900456' }, enabled: false },
          ],
        },
        { id: 'r2', actionType: 'schedule-start', steps: [] },
      ],
    );
    expect(imported.methods).toEqual([{ origin: 'opsgenie:c1', type: 'voice', number: '+447700900456' }]);
    const step = { methodOrigin: 'opsgenie:c1', afterSeconds: 3600 };
    expect(imported.rules).toEqual({ high: [step], low: [step] });
    expect(imported.problems).toEqual([
      'contact c2 (sms): disabled in Opsgenie: left out',
      'notification rule "r1" step 2: its sms contact did not come over: left out',
    ]);
  });
});
