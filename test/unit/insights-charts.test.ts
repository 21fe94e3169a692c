import { barList, columnChart, tickStep } from '../../api/ui/views/charts';

const text = { id: 'c', title: 'A chart', desc: 'What it shows' };
const heights = (svg: string) =>
  [...svg.matchAll(/<rect\s+x="[^"]+"\s+y="[^"]+"\s+width="[^"]+"\s+height="([^"]+)"/g)].map((m) =>
    Number(m[1]),
  );
const widths = (svg: string) =>
  [...svg.matchAll(/<rect\s+x="[^"]+"\s+y="[^"]+"\s+width="([^"]+)"/g)].map((m) => Number(m[1]));

describe('insights charts', () => {
  it('steps the axis by round numbers, or round durations', () => {
    expect(tickStep(3)).toBe(1);
    expect(tickStep(17)).toBe(5);
    expect(tickStep(120)).toBe(50);
    expect(tickStep(0)).toBe(1);
    expect(tickStep(360, true)).toBe(120);
    expect(tickStep(14_400, true)).toBe(3600);
    expect(tickStep(7 * 86_400, true)).toBe(2 * 86_400);
  });

  it('draws stacked columns in proportion, with the target as a dashed line, titled and described', () => {
    const svg = columnChart(
      text,
      [
        {
          category: '2026-W02',
          parts: [
            { series: 'SEV1', value: 2, fill: '#a00' },
            { series: 'SEV2', value: 1, fill: '#e50' },
          ],
        },
        {
          category: '2026-W03',
          parts: [
            { series: 'SEV1', value: 0, fill: '#a00' },
            { series: 'SEV2', value: 3, fill: '#e50' },
          ],
        },
      ],
      { target: { value: 4, label: 'SLA target: 4' } },
    ).value;
    expect(svg).toMatch(/role="img"\s+aria-labelledby="c-title c-desc"/);
    expect(svg).toContain('<title id="c-title">A chart</title>');
    expect(svg).toContain('<desc id="c-desc">What it shows</desc>');
    // A zero part draws nothing; the others are as tall as their values, 2 : 1 : 3.
    const [two, one, three] = heights(svg);
    expect(heights(svg)).toHaveLength(3);
    expect(two! / one!).toBeCloseTo(2, 5);
    expect(three! / one!).toBeCloseTo(3, 5);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('<title>2026-W03 SEV2: 3</title>');
  });

  it('draws bars in proportion, and writes names from data as text, never markup', () => {
    const svg = barList(text, [
      {
        label: '<b>api</b>',
        parts: [
          { series: 'at night', value: 1, fill: '#333' },
          { series: 'by day', value: 3, fill: '#9cf' },
        ],
      },
      { label: 'db', parts: [{ series: 'at night', value: 2, fill: '#333' }] },
    ]).value;
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;api&lt;/b&gt;');
    const [night, day, db] = widths(svg);
    expect(day! / night!).toBeCloseTo(3, 5);
    expect(db! / night!).toBeCloseTo(2, 5);
  });
});
