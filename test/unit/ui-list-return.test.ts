import { listReturn } from '../../api/ui/pages/incident-actions';

describe('listReturn (where an action from the board goes back to)', () => {
  it('keeps the board with its filters, spaces encoded either way', () => {
    expect(listReturn('/ui/incidents')).toBe('/ui/incidents');
    expect(listReturn('/ui/incidents?status=triggered&severity=SEV1&service=payments')).toBe(
      '/ui/incidents?status=triggered&severity=SEV1&service=payments',
    );
    expect(listReturn('/ui/incidents?team=site+reliability')).toBe('/ui/incidents?team=site+reliability');
    expect(listReturn('/ui/incidents?team=site%20reliability')).toBe('/ui/incidents?team=site%20reliability');
  });

  it('goes nowhere else', () => {
    for (const elsewhere of [
      'https://evil.example/ui/incidents',
      '//evil.example',
      '/ui/incidents/../login',
      '/ui/incidentsX',
      'javascript:alert(1)',
      42,
    ])
      expect(listReturn(elsewhere)).toBeUndefined();
  });
});
