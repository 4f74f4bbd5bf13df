// The fleet: every kiosk with its site, last contact, versions, outbox,
// certificate expiry, printer and last maintenance; stale and growing-outbox
// kiosks are flagged. Administrators revoke a kiosk or make the provisioning
// file for a new one.
import { api, saveBlob } from '../api.js';
import { h, clear, field, notice, table } from '../dom.js';
import { t, dateTime, printerLabel, maintLabel } from '../i18n.js';

function flags(d) {
  const out = [];
  if (d.revoked) out.push(h('span', { class: 'badge muted-badge' }, t('fleet.revoked')));
  if (d.stale) out.push(h('span', { class: 'badge over' }, t('fleet.stale')));
  if (d.outbox_growing) out.push(h('span', { class: 'badge warn' }, t('fleet.growing')));
  if (!out.length) out.push(h('span', { class: 'badge ok' }, t('fleet.ok')));
  return out;
}

export async function fleetPage(me) {
  const isAdmin = me.role === 'admin';
  const root = h('section', { class: 'fleet' });
  const box = h('div');
  const msg = h('div', { id: 'fleet-msg' });
  async function load() {
    const data = await api.get('devices');
    const rows = data.devices.map((d) => h('tr', { class: d.stale || d.outbox_growing ? 'overdue' : '', 'data-device': d.id },
      h('td', {}, d.id), h('td', {}, d.site),
      h('td', {}, d.last_seen ? dateTime(d.last_seen) : t('fleet.never')),
      h('td', {}, d.last_sync ? dateTime(d.last_sync) : '—'),
      h('td', {}, [d.app_version ?? '—', d.content_version ?? '—', d.os_version ?? '—'].join(' / ')),
      h('td', { class: 'num' }, d.outbox_pending),
      h('td', {}, dateTime(d.cert_not_after)),
      h('td', {}, printerLabel(d.printer)),
      h('td', {}, d.last_maintenance ? `${maintLabel(d.last_maintenance.action ?? '')} ${d.last_maintenance.at ? dateTime(Math.floor(d.last_maintenance.at / 1000)) : ''}` : '—'),
      h('td', {}, flags(d)),
      isAdmin ? h('td', {}, d.revoked ? '' : h('button', {
        type: 'button', class: 'danger small', 'data-revoke': d.id,
        onclick: async () => {
          if (!confirm(t('fleet.revokeConfirm', { id: d.id }))) return;
          clear(msg);
          try { await api.post(`devices/${encodeURIComponent(d.id)}/revoke`); await load(); } catch (err) { msg.append(notice('error', err.message)); }
        },
      }, t('fleet.revoke'))) : null));
    const headers = [t('fleet.id'), t('fleet.site'), t('fleet.lastSeen'), t('fleet.lastSync'), t('fleet.versions'), t('fleet.outbox'), t('fleet.cert'),
      t('fleet.printer'), t('fleet.maint'), t('fleet.flags')];
    if (isAdmin) headers.push('');
    clear(box).append(
      h('p', { class: 'muted' }, t('fleet.latest', { v: data.content_version ?? '—' })),
      table(headers, rows, { empty: t('common.none') }));
  }
  root.append(h('h1', {}, t('fleet.title')), msg, box);
  if (isAdmin) {
    const site = h('input', { id: 'prov-site', required: true, maxlength: 200 });
    const hours = h('input', { id: 'prov-hours', type: 'number', min: 1, max: 720, value: 24, required: true });
    const out = h('div');
    root.append(h('form', {
      class: 'card', id: 'provision',
      onsubmit: async (e) => {
        e.preventDefault();
        clear(out);
        try {
          const file = await api.post('devices/provision', { site: site.value, ttl_hours: Number(hours.value) });
          saveBlob(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }), 'provision.json');
          out.append(notice('ok', t('fleet.provisioned')));
        } catch (err) {
          out.append(notice('error', err.message));
        }
      },
    }, h('h2', {}, t('fleet.provision')), h('div', { class: 'row wrap' }, field(t('fleet.provisionSite'), site),
      field(t('fleet.provisionHours'), hours)), h('button', { type: 'submit', class: 'primary' }, t('fleet.provisionGo')), out));
  }
  await load();
  return root;
}
