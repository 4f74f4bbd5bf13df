// The audit log (administrators): who changed what, newest first.
import { api } from '../api.js';
import { h, table } from '../dom.js';
import { t, dateTime, auditLabel } from '../i18n.js';

export async function auditPage() {
  const data = await api.get('audit');
  return h('section', {}, h('h1', {}, t('audit.title')),
    table([t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.detail')],
      data.entries.map((e) => h('tr', {}, h('td', {}, dateTime(e.at)), h('td', {}, e.actor), h('td', {}, auditLabel(e.action)),
        h('td', {}, e.target), h('td', {}, e.detail))), { empty: t('common.none') }));
}
