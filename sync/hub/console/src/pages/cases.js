// Cases inbox (filters: status, kind, site, service, overdue) and one case:
// its fields, the visitor's details, its history, and the next steps of the
// life cycle the hub allows, each asking for what it needs (department,
// reason, the case it duplicates).
import { api } from '../api.js';
import { h, clear, field, notice, select, table } from '../dom.js';
import { t, statusLabel, kindLabel, dateTime, countdown, allStatuses, isOpenStatus } from '../i18n.js';

const filters = { status: '', kind: '', site: '', service: '', overdue: false };

export function deadlineCell(dueAt, open) {
  if (!open) return h('span', { class: 'muted' }, '—');
  const c = countdown(dueAt);
  return h('span', { class: `countdown ${c.overdue ? 'over' : c.soon ? 'soon' : ''}`, 'data-due': dueAt || '' }, c.text);
}

export async function casesPage(me) {
  const root = h('section', { class: 'cases' });
  const listBox = h('div');
  async function load() {
    const q = new URLSearchParams();
    for (const k of ['status', 'kind', 'site', 'service']) if (filters[k]) q.set(k, filters[k]);
    if (filters.overdue) q.set('overdue', '1');
    const data = await api.get(`cases?${q}`);
    const opts = (values, label) => [['', `${label}: ${t('common.all')}`], ...values.map((v) => [v, label === t('cases.kind') ? kindLabel(v) : v])];
    const bar = h('div', { class: 'filters' },
      select('f-status', [['', `${t('cases.status')}: ${t('common.all')}`], ...allStatuses().map((s) => [s, statusLabel(s)])],
        filters.status, (e) => { filters.status = e.target.value; load(); }),
      select('f-kind', opts(data.kinds, t('cases.kind')), filters.kind, (e) => { filters.kind = e.target.value; load(); }),
      select('f-site', opts(data.sites, t('cases.site')), filters.site, (e) => { filters.site = e.target.value; load(); }),
      select('f-service', opts(data.services, t('cases.service')), filters.service, (e) => { filters.service = e.target.value; load(); }),
      h('label', { class: 'check' }, h('input', {
        type: 'checkbox', id: 'f-overdue', checked: filters.overdue,
        onchange: (e) => { filters.overdue = e.target.checked; load(); },
      }), t('cases.overdue')),
      h('span', { class: 'muted count' }, t('cases.count', { n: data.cases.length })));
    // Newest first: the inbox is read from the top.
    const rows = [...data.cases].reverse().map((c) => h('tr', {
      class: c.overdue ? 'overdue' : '', 'data-case': c.number,
      onclick: () => { location.hash = `#/cases/${encodeURIComponent(c.number)}`; },
    },
    h('td', {}, h('a', { href: `#/cases/${encodeURIComponent(c.number)}` }, c.number)),
    h('td', {}, kindLabel(c.public?.case_kind ?? '')),
    h('td', {}, c.site || c.device),
    h('td', {}, c.public?.service_id ?? ''),
    h('td', {}, h('span', { class: `status s-${c.status}` }, statusLabel(c.status))),
    h('td', {}, dateTime(c.received_at)),
    h('td', {}, deadlineCell(c.due_at, isOpenStatus(c.status)))));
    clear(listBox).append(bar, table([t('cases.number'), t('cases.kind'), t('cases.site'), t('cases.service'),
      t('cases.status'), t('cases.received'), t('cases.deadline')], rows, { class: 'click', empty: t('common.none') }));
  }
  await load();
  root.append(h('h1', {}, t('cases.title')), listBox);
  return root;
}

function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function casePage(number, me) {
  const c = await api.get(`cases/${encodeURIComponent(number)}`);
  const p = c.public || {};
  const who = c.personal || {};
  const mayAct = ['handler', 'admin'].includes(me.role);
  const root = h('section', { class: 'case' });
  const actionBox = h('div', { class: 'card actions', id: 'actions' });
  const msg = h('div');

  function stepForm(status) {
    const needs = {
      dispatched: ['department'], returned: ['reason', 'department?'], extended: ['reason'], merged: ['mergeInto'],
    }[status] || [];
    const inputs = {};
    const fields = needs.map((n) => {
      const key = n.replace('?', '');
      inputs[key] = h('input', { id: `step-${key}`, name: key, required: !n.endsWith('?') });
      return field(t(`case.${key}`), inputs[key]);
    });
    const note = h('textarea', { id: 'step-note', rows: 2, maxlength: 2000 });
    return h('form', {
      class: 'step',
      onsubmit: async (e) => {
        e.preventDefault();
        clear(msg);
        try {
          const r = await api.post(`cases/${encodeURIComponent(number)}/status`, {
            status, note: note.value, department: inputs.department?.value ?? '', reason: inputs.reason?.value ?? '',
            merge_into: inputs.mergeInto?.value ?? '',
          });
          const again = await casePage(number, me);
          again.querySelector('#case-msg').append(notice('ok', t('case.moved', { s: statusLabel(r.status) })));
          root.replaceWith(again);
        } catch (err) {
          msg.append(notice('error', err.message));
        }
      },
    }, h('h3', {}, statusLabel(status)), fields, field(t('common.note'), note),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary', id: 'step-submit' }, t('common.submit')),
      h('button', { type: 'button', onclick: () => showActions() }, t('common.cancel'))));
  }
  function showActions() {
    clear(actionBox).append(h('h2', {}, t('case.actions')));
    if (!c.next.length) return actionBox.append(h('p', { class: 'muted' }, t('case.final')));
    actionBox.append(h('div', { class: 'row wrap' }, c.next.map((s) => h('button', {
      type: 'button', class: s === 'merged' || s === 'returned' ? '' : 'primary', id: `to-${s}`, disabled: !mayAct,
      onclick: () => clear(actionBox).append(h('h2', {}, t('case.actions')), stepForm(s)),
    }, statusLabel(s)))));
  }
  showActions();

  const history = h('ol', { class: 'timeline' }, c.history.map((e) => h('li', {},
    h('span', { class: `status s-${e.status}` }, statusLabel(e.status)),
    h('span', { class: 'muted' }, ` ${dateTime(e.at)} · ${t('case.by')} ${e.actor}`),
    e.note ? h('div', { class: 'note' }, e.note) : null)));

  root.append(
    h('a', { href: '#/cases', class: 'back' }, `← ${t('common.back')}`),
    h('h1', {}, t('case.title', { n: c.number }), ' ', h('span', { class: `status s-${c.status}`, id: 'case-status' }, statusLabel(c.status))),
    h('div', { id: 'case-msg' }),
    h('div', { class: 'grid2' },
      h('div', {},
        h('div', { class: 'card' }, dl([
          [t('cases.kind'), kindLabel(p.case_kind)], [t('cases.service'), p.service_id],
          [t('case.device'), `${c.device}`], [t('cases.received'), dateTime(c.received_at)],
          [t('cases.deadline'), deadlineCell(c.due_at, isOpenStatus(c.status))],
          [t('case.extensions'), c.extensions ? t('case.extensionCount', { n: c.extensions }) : ''], [t('case.reply'), p.reply],
        ])),
        h('div', { class: 'card', id: 'personal' }, h('h2', {}, t(c.personal_masked ? 'case.personalMasked' : 'case.personal')), dl([
          [t('case.description'), c.personal_masked ? h('span', { class: 'muted' }, t('case.withheld')) : who.description],
          [t('case.enterprise'), c.personal_masked ? h('span', { class: 'muted' }, t('case.withheld')) : who.enterprise],
          [t('case.credit'), who.credit_code], [t('case.contact'), who.contact_name], [t('case.mobile'), who.mobile],
        ]))),
      h('div', {}, actionBox, msg, h('div', { class: 'card' }, h('h2', {}, t('case.history')), history))));
  return root;
}
