// Bad-rating follow-up (差评整改): every 不满意/非常不满意 is a task — call
// the visitor back (核实), rectify or explain or review an appeal, feed the
// outcome back — with its deadline from the hub's [follow_up] setting, and
// the visitor's re-rating once they give one. Overdue tasks are marked red.
import { api } from '../api.js';
import { h, clear, field, notice, select, table } from '../dom.js';
import { t, levelLabel, stateLabel, actionLabel, dateTime, countdown } from '../i18n.js';
import { deadlineCell } from './cases.js';

const actions = ['callback', 'rectified', 'explained', 'appealed', 'feedback'];
let openOnly = true;

function reasonsText(p) { return Array.isArray(p.reasons) ? p.reasons.join('、') : ''; }

export async function followupPage() {
  const root = h('section', { class: 'followup' });
  const box = h('div');
  async function load() {
    const data = await api.get(`ratings/bad${openOnly ? '?open=1' : ''}`);
    const list = [...data.ratings].reverse();
    const overdue = list.filter((r) => r.overdue).length;
    const rows = list.map((r) => h('tr', {
      class: r.overdue ? 'overdue' : '', 'data-rating': r.uuid,
      onclick: () => { location.hash = `#/followup/${encodeURIComponent(r.uuid)}`; },
    },
    h('td', {}, h('span', { class: 'level bad' }, levelLabel(r.public.level))),
    h('td', {}, h('a', { href: `#/followup/${encodeURIComponent(r.uuid)}` }, r.public.target_name || r.public.target_id)),
    h('td', {}, reasonsText(r.public)),
    h('td', {}, r.site || r.device),
    h('td', {}, dateTime(r.received_at)),
    h('td', {}, h('span', { class: `state st-${r.state}` }, stateLabel(r.state))),
    h('td', {}, deadlineCell(r.due_at, r.open))));
    clear(box).append(
      h('div', { class: 'filters' },
        h('label', { class: 'check' }, h('input', {
          type: 'checkbox', id: 'f-open', checked: openOnly, onchange: (e) => { openOnly = e.target.checked; load(); },
        }), t('followup.open')),
        overdue ? h('span', { class: 'badge over' }, t('followup.overdueCount', { n: overdue })) : null),
      table([t('followup.level'), t('followup.target'), t('followup.reasons'), t('cases.site'), t('followup.received'),
        t('followup.state'), t('followup.deadline')], rows, { class: 'click', empty: t('common.none') }));
  }
  await load();
  root.append(h('h1', {}, t('followup.title')), box);
  return root;
}

export async function followupDetailPage(uuid, me) {
  const data = await api.get('ratings/bad');
  const r = data.ratings.find((x) => x.uuid === uuid);
  if (!r) throw new Error(uuid);
  const p = r.public;
  const mayAct = ['handler', 'admin'].includes(me.role);
  const root = h('section', { class: 'followup-detail' });
  const msg = h('div', { id: 'fu-msg' });

  const contactBox = h('div', { id: 'contact' });
  if (!r.contact) contactBox.append(h('p', { class: 'muted' }, t('followup.noContact')));
  else {
    const line = h('p', { class: 'contact' }, `${r.contact.name}  ${r.contact.mobile}`);
    contactBox.append(line);
    if (mayAct) contactBox.append(h('button', {
      type: 'button', id: 'reveal',
      onclick: async (e) => {
        const full = await api.get(`ratings/${encodeURIComponent(uuid)}/contact`);
        line.textContent = `${full.name}  ${full.mobile}`;
        e.target.remove();
      },
    }, t('followup.reveal')));
  }

  const action = select('fu-action', actions.map((a) => [a, actionLabel(a)]), r.follow_ups.length ? 'rectified' : 'callback');
  const note = h('textarea', { id: 'fu-note', rows: 3, maxlength: 2000 });
  const form = mayAct ? h('form', {
    class: 'card', id: 'fu-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clear(msg);
      try {
        const res = await api.post(`ratings/${encodeURIComponent(uuid)}/follow-up`, { action: action.value, note: note.value });
        const again = await followupDetailPage(uuid, me);
        again.querySelector('#fu-msg').append(notice('ok', t('followup.recorded', { a: actionLabel(res.action) })));
        root.replaceWith(again);
      } catch (err) {
        msg.append(notice('error', err.message));
      }
    },
  }, h('h2', {}, t('followup.record')), field(t('followup.action'), action), field(t('common.note'), note),
  h('button', { type: 'submit', class: 'primary', id: 'fu-submit' }, t('common.submit'))) : null;

  const steps = h('ol', { class: 'timeline' }, r.follow_ups.map((f) => h('li', {},
    h('span', { class: `state st-${f.action}` }, actionLabel(f.action)),
    h('span', { class: 'muted' }, ` ${dateTime(f.at)} · ${t('case.by')} ${f.actor}`),
    f.note ? h('div', { class: 'note' }, f.note) : null)));
  const re = r.re_rating;
  const c = countdown(r.due_at);
  root.append(
    h('a', { href: '#/followup', class: 'back' }, `← ${t('common.back')}`),
    h('h1', {}, `${levelLabel(p.level)} · ${p.target_name || p.target_id}`, ' ',
      h('span', { class: `state st-${r.state}`, id: 'fu-state' }, stateLabel(r.state))),
    msg,
    h('div', { class: 'grid2' },
      h('div', {},
        h('div', { class: 'card' }, h('dl', { class: 'facts' },
          h('dt', {}, t('followup.reasons')), h('dd', {}, reasonsText(p) || '—'),
          h('dt', {}, t('cases.site')), h('dd', {}, `${r.site} (${r.device})`),
          h('dt', {}, t('followup.received')), h('dd', {}, dateTime(r.received_at)),
          h('dt', {}, t('followup.deadline')), h('dd', {}, r.open
            ? h('span', { class: `countdown ${c.overdue ? 'over' : c.soon ? 'soon' : ''}` }, c.text) : '—'),
          p.case_no ? [h('dt', {}, t('cases.number')), h('dd', {}, p.case_no)] : null)),
        h('div', { class: 'card' }, h('h2', {}, t('followup.contact')), contactBox),
        h('div', { class: 'card', id: 'rerating' }, h('h2', {}, t('followup.rerating')), re
          ? h('p', {}, h('span', { class: `level ${['dissatisfied', 'very_dissatisfied'].includes(re.level) ? 'bad' : 'good'}` },
            levelLabel(re.level)), ` ${dateTime(re.received_at)}`)
          : h('p', { class: 'muted' }, t('followup.noRerating')))),
      h('div', {}, form, h('div', { class: 'card' }, h('h2', {}, t('followup.steps')), steps))));
  return root;
}
