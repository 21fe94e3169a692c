import { table } from '../../api/ui/views/table';
import { html } from '../../infra/html';

describe('the web UI table helper', () => {
  it('renders caption, column headers, a row header and cell classes, escaping the data', () => {
    const rows = [
      { id: 'a<1>', n: 2, note: 'x & y' },
      { id: 'b', n: 3, note: '<i>z</i>' },
    ];
    const markup = table(
      html`${rows.length} <em>rows</em>`,
      [
        { header: 'Id', rowHeader: true, cell: (r: (typeof rows)[number]) => r.id },
        { header: 'N', className: 'num', cell: (r) => r.n },
        { header: 'Note & more', cell: (r) => r.note },
      ],
      rows,
    ).value.replace(/\s*\n\s*/g, '');
    expect(markup).toBe(
      '<table><caption>2 <em>rows</em></caption>' +
        '<thead><tr><th scope="col">Id</th><th scope="col">N</th><th scope="col">Note &amp; more</th></tr></thead>' +
        '<tbody><tr><th scope="row">a&lt;1&gt;</th><td class="num">2</td><td>x &amp; y</td></tr>' +
        '<tr><th scope="row">b</th><td class="num">3</td><td>&lt;i&gt;z&lt;/i&gt;</td></tr></tbody></table>',
    );
  });
});
