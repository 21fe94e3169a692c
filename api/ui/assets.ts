import { createHash } from 'node:crypto';

// The web UI's only two static files, kept in TypeScript so `tsc` carries them
// into dist/ with the code (no copy step, no front-end toolchain).

/** Colours are chosen for WCAG AA contrast (4.5:1 or better) against their backgrounds. */
export const styleCss = `
:root{--fg:#1b1f24;--muted:#4a5360;--bg:#fff;--line:#d0d7de;--soft:#f3f5f7;--link:#0b57d0;--focus:#0b57d0}
*{box-sizing:border-box}
html{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:var(--fg);padding:.5rem 1rem;z-index:1}
.skip:focus{left:.5rem;top:.5rem}
.vh{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
header.site{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1.25rem;background:#1b1f24;color:#fff}
header.site a{color:#fff}
header.site .brand{margin:0;font-weight:700;font-size:1.15rem}
header.site .brand a{text-decoration:none}
header.site nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:0}
header.site nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
header.site .session{margin-left:auto;display:flex;align-items:center;gap:.75rem}
header.site .session form{margin:0}
header.site .session button{background:transparent;color:#fff;border:1px solid #fff}
main{max-width:78rem;margin:0 auto;padding:1rem 1.25rem 3rem}
main:focus{outline:none}
h1{font-size:1.6rem;margin:.75rem 0 .25rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
p.lead{margin:.25rem 0 1rem;color:var(--muted)}
.muted{color:var(--muted)}
.timeline{margin:.5rem 0 1rem}.timeline>svg{width:100%;height:auto;font:12px system-ui,sans-serif}.swatch svg{width:14px;height:14px;flex:none}
.timeline text{fill:var(--fg)}.timeline text.day{fill:var(--muted)}.timeline text.label.final{font-weight:600}
.timeline figcaption{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;font-size:.875rem}
.swatch{display:inline-flex;align-items:center;gap:.3rem}
.schedule-form{display:flex;flex-direction:column;gap:.6rem;max-width:56rem}
.schedule-form input{font:inherit;padding:.4rem .5rem;border:1px solid #6b7280;border-radius:.25rem;width:100%}
.schedule-form .layer{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.5rem;padding:.5rem .75rem}
.schedule-form .layer .wide{grid-column:1/-1}
.schedule-form input[type=checkbox]{width:auto;justify-self:start}
.schedule-form button{align-self:flex-start}
.pre{white-space:pre-wrap}
.meta{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .55rem;text-align:left;vertical-align:top}
thead th,th[scope=col]{background:var(--soft)}
th[scope=row]{background:var(--soft);font-weight:600;width:14rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}
time{white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.25rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:.25rem;border:1px solid var(--line);font-weight:600;font-size:.9rem;white-space:nowrap}
.sev-SEV1{background:#a50e0e;border-color:#a50e0e;color:#fff}
.sev-SEV2{background:#9a3412;border-color:#9a3412;color:#fff}
.sev-SEV3{background:#fde68a;border-color:#b45309;color:#1b1f24}
.sev-SEV4{background:#e5e7eb;border-color:#6b7280;color:#1b1f24}
.status-triggered{color:#a50e0e;border-color:#a50e0e}
.status-acknowledged{color:#8a4b00;border-color:#8a4b00}
.status-snoozed{color:#4a5360;border-color:#4a5360}
.status-resolved{color:#116329;border-color:#116329}
.outcome-succeeded,.outcome-approved{color:#116329}
.outcome-failed,.outcome-rejected,.outcome-timed_out,.outcome-expired{color:#a50e0e}
.notice{border:1px solid #116329;background:#e8f5ec;padding:.5rem .75rem;border-radius:.25rem}
.problem{border:1px solid #a50e0e;background:#fdecec;padding:.5rem .75rem;border-radius:.25rem}.problem>p:first-child{margin-top:0}.problem>ul{margin-bottom:0}
.card{border:1px solid var(--line);border-radius:.35rem;padding:.75rem 1rem;margin:.75rem 0}
p.pager{display:flex;gap:1.5rem}
form.decide{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.5rem 1rem;margin:.5rem 0 0}
form.decide .field{display:flex;flex-direction:column;min-width:16rem;flex:1}
label{font-weight:600}
input[type=text],input[type=password]{font:inherit;padding:.4rem .5rem;border:1px solid #6b7280;border-radius:.25rem;width:100%}
button{font:inherit;padding:.4rem .9rem;border-radius:.25rem;border:1px solid #1b1f24;background:#1b1f24;color:#fff;cursor:pointer}
button.approve{background:#116329;border-color:#116329}
button.reject{background:#a50e0e;border-color:#a50e0e}
td .field{min-width:8rem}
form.login{max-width:32rem;display:flex;flex-direction:column;gap:.5rem}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin:.5rem 0}
form.action{display:flex;flex-direction:column;gap:.4rem;border:1px solid var(--line);border-radius:.35rem;padding:.6rem .75rem;min-width:16rem;flex:1;max-width:30rem}
form.action button{align-self:flex-start}
form.inline{margin:0}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:flex-end;margin:.5rem 0 1rem}
form.filters .field{min-width:10rem}
fieldset{border:1px solid var(--line);border-radius:.25rem;padding:.25rem .6rem;margin:0}
legend{font-weight:600;padding:0 .25rem}
label.check{font-weight:400;margin-right:.6rem;white-space:nowrap}
.field{display:flex;flex-direction:column;gap:.15rem}
.field .help{color:var(--muted);font-size:.9rem}
.field .error{color:#a50e0e;font-weight:600}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:#a50e0e;border-width:2px}
.req{font-weight:400;color:var(--muted)}
textarea,select,input[type=number],input[type=url],input[type=tel],input[type=email],input[type=datetime-local]{font:inherit;padding:.4rem .5rem;border:1px solid #6b7280;border-radius:.25rem;width:100%}
details.runbook{border:1px solid var(--line);border-radius:.35rem;padding:.5rem .75rem;margin:.5rem 0}
details.runbook summary{cursor:pointer;font-weight:600}
details.runbook form.action{max-width:40rem;border:none;padding:.5rem 0}
button.primary{background:#0b57d0;border-color:#0b57d0}
section.insight{margin:0 0 1.5rem}
.insight-pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(min-content,2fr);gap:1rem 1.5rem;align-items:start}
@media (max-width:52rem){.insight-pair{grid-template-columns:minmax(0,1fr)}}
figure.chart{margin:.5rem 0;overflow-x:auto}figure.chart>svg{width:100%;max-width:36rem;height:auto;font-family:system-ui,sans-serif}
.insight-pair.wide{grid-template-columns:minmax(0,1fr)}.insight-pair.wide figure.chart>svg{max-width:none;min-width:56rem}
.scroll{overflow-x:auto}.insight th[scope=row]{width:auto}
p.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;font-size:.875rem;margin:.25rem 0}
ul.suggestions{margin:0;padding-left:1.1rem}ul.suggestions li{margin:.15rem 0}
footer{max-width:78rem;margin:0 auto;padding:1rem 1.25rem;color:var(--muted);font-size:.9rem}
@media print{header.site,footer,form{display:none}main{max-width:none;padding:0}a{color:inherit}}
`;

/**
 * Keeps an open incident's page current without a full reload: every few
 * seconds it fetches the same page and swaps in its live region — unless the
 * user is focused on it or has typed, chosen or opened anything in its forms —
 * and stops once the incident is resolved (the new region has no
 * data-refresh-seconds). It fetches the region's data-refresh-url, the page's
 * own address, since a page re-rendered by a refused form POST has the form's
 * action in the address bar. Without JavaScript a <noscript> meta refresh does the
 * same by reloading the page, on pages without forms a reload would clear.
 */
export const liveJs = `'use strict';
(function () {
  var region = document.getElementById('live');
  if (!region || !region.hasAttribute('data-refresh-seconds')) return;
  var seconds = Math.max(2, Number(region.getAttribute('data-refresh-seconds')) || 5);
  function busy() {
    if (document.hidden) return true;
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) return true;
    // Anything typed, chosen or opened in the region's forms would be lost by the swap.
    if (region.querySelector('details[open]')) return true;
    var fields = region.querySelectorAll('input, textarea, select');
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.tagName === 'SELECT') {
        for (var j = 0; j < f.options.length; j++) if (f.options[j].selected !== f.options[j].defaultSelected) return true;
      } else if (f.type === 'checkbox' || f.type === 'radio') {
        if (f.checked !== f.defaultChecked) return true;
      } else if (f.type !== 'hidden' && f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }
  function later() {
    window.setTimeout(refresh, seconds * 1000);
  }
  function refresh() {
    if (busy()) return later();
    // A page re-rendered by a refused form POST sits at the form's action URL: fetch the page's own.
    var url = region.getAttribute('data-refresh-url') || window.location.href;
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
      .then(function (res) {
        // Signed out or the key was revoked: the server redirected to the sign-in page.
        if (res.redirected) {
          window.location.reload();
          return null;
        }
        return res.ok ? res.text() : '';
      })
      .then(function (text) {
        if (text === null) return;
        var next = text ? new DOMParser().parseFromString(text, 'text/html').getElementById('live') : null;
        if (!next || busy()) return later();
        region.replaceWith(next);
        region = next;
        if (next.hasAttribute('data-refresh-seconds')) later();
      })
      .catch(later);
  }
  later();
})();
`;

function version(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Content-addressed URLs, so the files can be cached for long and a new build is fetched at once. */
export const styleHref = `/ui/static/style.css?v=${version(styleCss)}`;
export const liveScriptSrc = `/ui/static/live.js?v=${version(liveJs)}`;
