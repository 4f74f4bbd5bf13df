// Content publishing: an editor uploads policy documents (.txt) or authoring
// files (.json, .csv) into a draft that starts from what was last published,
// reads the importer's preview (documents and their measure trees with the
// responsible units, services, warnings), edits or removes files, and
// publishes a signed bundle; the page shows which kiosk runs which version.
import { api } from '../api.js';
import { h, clear, field, notice, select, table } from '../dom.js';
import { t, dateTime } from '../i18n.js';

function kb(bytes) { return `${Math.max(1, Math.round(bytes / 1024))} KB`; }

async function readFiles(input) {
  return Promise.all([...input.files].map(async (f) => ({ name: f.name, text: await f.text() })));
}

function optionsForm(prefix, current = {}) {
  const district = h('input', { id: `${prefix}-district`, value: current.district ?? '', maxlength: 100, placeholder: '青浦区' });
  const level = select(`${prefix}-level`, ['国家', '市', '区', '街镇'].map((l) => [l, l]), current.level ?? '区');
  const topic = h('input', { id: `${prefix}-topic`, value: current.topic ?? '', maxlength: 100, placeholder: '营商环境' });
  return {
    el: h('div', { class: 'row wrap' }, field(t('content.district'), district), field(t('content.level'), level), field(t('content.topic'), topic)),
    values: () => ({ district: district.value, level: level.value, topic: topic.value }),
  };
}

export async function contentPage(me, draftId) {
  if (draftId) return draftPage(me, draftId);
  const data = await api.get('content');
  const mayEdit = ['editor', 'admin'].includes(me.role);
  const latest = data.published[0]?.version ?? null;
  const root = h('section', { class: 'content' }, h('h1', {}, t('content.title')));
  const msg = h('div');
  if (mayEdit) {
    const input = h('input', { type: 'file', id: 'upload', multiple: true, accept: '.txt,.json,.csv', required: true });
    const opts = optionsForm('new');
    root.append(h('form', {
      class: 'card', id: 'new-draft',
      onsubmit: async (e) => {
        e.preventDefault();
        clear(msg);
        try {
          const d = await api.post('content/drafts', { files: await readFiles(input), ...opts.values() });
          location.hash = `#/content/${d.id}`;
        } catch (err) { msg.append(notice('error', err.message)); }
      },
    }, h('h2', {}, t('content.newDraft')),
    h('p', { class: 'muted' }, data.current_files.length
      ? t('content.startsFrom', { n: data.current_files.length, files: data.current_files.join('、') })
      : t('content.startsEmpty')),
    field(t('content.files'), input), opts.el,
    h('button', { type: 'submit', class: 'primary', id: 'upload-go' }, t('content.uploadPreview')), msg));
  }
  root.append(h('div', { class: 'grid2' },
    h('div', {}, h('h2', {}, t('content.drafts')), table([t('content.draft'), t('content.by'), t('content.result'), t('content.version')],
      data.drafts.map((d) => h('tr', { 'data-draft': d.id, onclick: () => { location.hash = `#/content/${d.id}`; } },
        h('td', {}, h('a', { href: `#/content/${d.id}` }, dateTime(d.updated_at))),
        h('td', {}, d.by),
        h('td', {}, d.ok ? h('span', { class: 'badge ok' }, t('content.imported')) : h('span', { class: 'badge over' }, t('content.failed'))),
        h('td', {}, d.published_version ?? '—'))), { class: 'click', empty: t('common.none') })),
    h('div', {},
      h('h2', {}, t('content.published')),
      table([t('content.version'), t('content.publishedAt'), t('content.size')], data.published.map((b) => h('tr', {},
        h('td', {}, b.version), h('td', {}, dateTime(b.created_at)), h('td', { class: 'num' }, kb(b.size)))), { empty: t('common.none') }),
      h('h2', {}, t('content.kiosks')),
      table([t('fleet.id'), t('fleet.site'), t('content.running')], data.kiosks.map((k) => h('tr', { 'data-kiosk': k.id },
        h('td', {}, k.id), h('td', {}, k.site),
        h('td', {}, k.content_version ?? '—', ' ', k.content_version !== null && k.content_version === latest
          ? h('span', { class: 'badge ok' }, t('content.upToDate'))
          : h('span', { class: 'badge warn' }, t('content.behind'))))), { empty: t('common.none') }))));
  return root;
}

function measureTree(measures) {
  if (!measures?.length) return null;
  return h('ul', { class: 'tree' }, measures.map((m) => h('li', {},
    h('strong', {}, [m.number, m.heading].filter(Boolean).join(' ')),
    m.units?.length ? h('span', { class: 'units' }, ` 〔${t('content.units')}：${m.units.join('、')}〕`) : null,
    m.text && !m.heading ? h('div', { class: 'muted small' }, m.text.length > 120 ? `${m.text.slice(0, 120)}…` : m.text) : null,
    measureTree(m.children))));
}

function preview(d) {
  if (!d.ok) return h('div', { class: 'card', id: 'import-error' }, h('h2', {}, t('content.importFailed')), notice('error', d.error));
  const p = d.preview;
  const counts = Object.entries(p.counts ?? {}).map(([k, v]) => `${t(`content.count.${k}`)} ${v}`).join(' · ');
  return h('div', { id: 'preview' },
    h('div', { class: 'card' }, h('h2', {}, t('content.preview')), h('p', {}, counts),
      p.warnings?.length
        ? h('ul', { class: 'warnings', id: 'warnings' }, p.warnings.map((w) => h('li', {}, w.file && !w.message.startsWith(w.file) ? `${w.file}：${w.message}` : w.message)))
        : h('p', { class: 'muted' }, t('content.noWarnings'))),
    (p.documents ?? []).map((doc) => h('div', { class: 'card document' },
      h('h3', {}, doc.title),
      h('p', { class: 'muted small' }, [doc.doc_number, (doc.issuers ?? []).join('、'), doc.published, doc.district, doc.level].filter(Boolean).join(' · ')),
      measureTree(doc.measures))),
    p.services?.length ? h('div', { class: 'card' }, h('h2', {}, t('content.services')),
      table([t('content.serviceId'), t('content.serviceName'), t('content.department')], p.services.map((s) => h('tr', {},
        h('td', {}, s.id), h('td', {}, s.name), h('td', {}, s.department_name || s.department))))) : null);
}

async function draftPage(me, id) {
  const d = await api.get(`content/drafts/${encodeURIComponent(id)}`);
  const mayEdit = ['editor', 'admin'].includes(me.role) && d.published_version === null;
  const root = h('section', { class: 'draft' });
  const msg = h('div', { id: 'draft-msg' });
  const editor = h('div');
  async function change(body) {
    clear(msg);
    try {
      await api.post(`content/drafts/${encodeURIComponent(id)}`, { ...opts.values(), ...body });
      root.replaceWith(await draftPage(me, id));
    } catch (err) { msg.append(notice('error', err.message)); }
  }
  const opts = optionsForm('draft', d.options);
  const files = table([t('content.file'), t('content.size'), ''], d.files.map((f) => h('tr', { 'data-file': f.name },
    h('td', {}, f.name), h('td', { class: 'num' }, kb(f.size)),
    h('td', {}, mayEdit ? h('div', { class: 'row' },
      h('button', {
        type: 'button', class: 'small', 'data-edit': f.name,
        onclick: () => {
          const text = h('textarea', { id: 'edit-text', rows: 16 }, f.text);
          clear(editor).append(h('div', { class: 'card' }, h('h3', {}, f.name), text, h('div', { class: 'row' },
            h('button', { type: 'button', class: 'primary', id: 'edit-save', onclick: () => change({ files: [{ name: f.name, text: text.value }] }) }, t('content.saveReimport')),
            h('button', { type: 'button', onclick: () => clear(editor) }, t('common.cancel')))));
        },
      }, t('content.edit')),
      h('button', { type: 'button', class: 'small danger', onclick: () => change({ remove: [f.name] }) }, t('content.remove'))) : null))));
  const more = h('input', { type: 'file', multiple: true, accept: '.txt,.json,.csv', id: 'upload-more' });
  const ttl = h('input', { type: 'number', id: 'ttl-days', min: 1, max: 365, value: 30 });
  const publishBox = h('div', { id: 'publish-msg' });
  root.append(
    h('a', { href: '#/content', class: 'back' }, `← ${t('common.back')}`),
    h('h1', {}, t('content.draftTitle', { at: dateTime(d.updated_at), by: d.by }), ' ',
      d.published_version !== null ? h('span', { class: 'badge ok', id: 'draft-published' }, t('content.publishedAs', { v: d.published_version })) : null),
    msg,
    h('div', { class: 'grid2' },
      h('div', {},
        h('div', { class: 'card' }, h('h2', {}, t('content.files')), files,
          mayEdit ? [opts.el, h('div', { class: 'row wrap' }, more,
            h('button', { type: 'button', id: 'upload-more-go', onclick: async () => change({ files: await readFiles(more) }) }, t('content.addFiles')))] : null),
        editor,
        mayEdit && d.ok ? h('form', {
          class: 'card', id: 'publish',
          onsubmit: async (e) => {
            e.preventDefault();
            clear(publishBox);
            try {
              const r = await api.post(`content/drafts/${encodeURIComponent(id)}/publish`, { ttl_days: Number(ttl.value) });
              const again = await draftPage(me, id);
              again.querySelector('#draft-msg').append(notice('ok', t('content.publishedOk', { v: r.version })));
              root.replaceWith(again);
            } catch (err) { publishBox.append(notice('error', err.message)); }
          },
        }, h('h2', {}, t('content.publish')), field(t('content.ttl'), ttl),
        h('button', { type: 'submit', class: 'primary', id: 'publish-go' }, t('content.publishGo')), publishBox) : null),
      h('div', {}, preview(d))));
  return root;
}
