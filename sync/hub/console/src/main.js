// The staff console's shell: sign-in, the top bar (sections the role may
// use, language, sign-out) and a hash router (#/cases, #/cases/NUMBER, …).
import './style.css';
import { api, setCsrf, whenSignedOut } from './api.js';
import { h, clear, field, notice } from './dom.js';
import { t, language, setLanguage, setVocabulary, vocabularyLoaded } from './i18n.js';
import { casesPage, casePage } from './pages/cases.js';
import { followupPage, followupDetailPage } from './pages/followup.js';
import { statsPage } from './pages/stats.js';
import { fleetPage } from './pages/fleet.js';
import { contentPage } from './pages/content.js';
import { auditPage } from './pages/audit.js';

const app = document.getElementById('app');
let me = null;

// Which sections each role sees (the hub enforces the same limits).
const sections = [
  { id: 'cases', roles: ['handler', 'manager', 'admin'] },
  { id: 'followup', roles: ['handler', 'manager', 'admin'] },
  { id: 'stats', roles: ['handler', 'editor', 'manager', 'admin'] },
  { id: 'fleet', roles: ['manager', 'admin'] },
  { id: 'content', roles: ['editor', 'manager', 'admin'] },
  { id: 'audit', roles: ['admin'], allSites: true },
];

// The audit log names every site's cases: only for those serving every site.
function allowed() { return sections.filter((s) => s.roles.includes(me.role) && (!s.allSites || me.sites === '*')); }

// "Failed sign-ins since your last sign-in", from the sign-in's answer (or
// /me: those since this session began). Shown until dismissed; a dismissed
// count stays dismissed for this browser tab.
function failuresBanner() {
  const n = me.failed_logins || 0;
  if (n <= Number(sessionStorage.getItem('console.failuresSeen') || 0)) return null;
  const box = h('div', { class: 'banner warn', id: 'failed-logins', role: 'alert' },
    h('span', {}, n === 1 ? t('login.failures1') : t('login.failures', { n })),
    h('button', {
      type: 'button', id: 'failed-logins-ok',
      onclick: () => { sessionStorage.setItem('console.failuresSeen', String(n)); box.remove(); },
    }, t('login.failuresOk')));
  return box;
}

function sitesText() { return me.sites === '*' || !Array.isArray(me.sites) ? '' : ` · ${me.sites.join('、')}`; }

function langButton(rerender) {
  return h('button', {
    class: 'link lang', type: 'button', id: 'lang',
    onclick: () => { setLanguage(language() === 'en' ? 'zh' : 'en'); rerender(); },
  }, t('lang.switch'));
}

function loginPage(message) {
  document.title = t('app.title');
  const user = h('input', { name: 'username', id: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', {}, message ? notice('error', message) : null);
  const form = h('form', {
    class: 'login card',
    onsubmit: async (e) => {
      e.preventDefault();
      clear(msg);
      try {
        const r = await api.post('login', { username: user.value, password: pass.value });
        me = r;
        sessionStorage.setItem('console.failuresSeen', '0');
        setCsrf(r.csrf);
        if (!location.hash || location.hash === '#/') location.hash = `#/${allowed()[0].id}`;
        route();
      } catch (err) {
        const text = err.status === 401 ? t('login.wrong')
          : err.status === 429 ? t('login.tooMany', { m: (err.message.match(/(\d+) min/) || [])[1] ?? 15 })
            : `${t('login.failed')}: ${err.message}`;
        msg.append(notice('error', text));
      }
    },
  },
  h('h1', {}, t('app.title')),
  h('h2', {}, t('login.title')),
  field(t('login.user'), user),
  field(t('login.password'), pass),
  msg,
  h('button', { type: 'submit', class: 'primary', id: 'login' }, t('login.submit')),
  h('div', { class: 'login-foot' }, langButton(() => loginPage(message))));
  clear(app).append(h('main', { class: 'login-wrap' }, form));
  user.focus();
}

function shell(active, content) {
  const nav = h('nav', { class: 'nav' }, allowed().map((s) =>
    h('a', { href: `#/${s.id}`, class: s.id === active ? 'active' : '', id: `nav-${s.id}` }, t(`nav.${s.id}`))));
  const bar = h('header', { class: 'bar' },
    h('div', { class: 'brand' }, t('app.title')),
    nav,
    h('div', { class: 'who' },
      h('span', { class: 'user', title: me.sites === '*' ? t('sites.all') : sitesText().slice(3) },
        `${me.username} · ${t(`role.${me.role}`)}${sitesText()}`),
      langButton(route),
      h('button', {
        class: 'link', type: 'button', id: 'logout',
        onclick: async () => { try { await api.post('logout'); } catch { /* signed out anyway */ } me = null; location.hash = ''; loginPage(); },
      }, t('nav.logout'))));
  clear(app).append(bar, h('main', { class: 'page' }, failuresBanner(), content));
}

// Each route() may wait for the hub; a newer one (the hash changed meanwhile)
// makes the older one stop, so a page is never drawn over a newer one.
let routeSeq = 0;

async function route() {
  const seq = ++routeSeq;
  if (!me) {
    try {
      me = await api.get('me');
      setCsrf(me.csrf);
    } catch {
      return seq === routeSeq ? loginPage() : undefined;
    }
    if (seq !== routeSeq) return;
  }
  if (!vocabularyLoaded()) {
    try {
      setVocabulary(await api.get('vocabulary'));
    } catch {
      // Labels fall back to the codes; the page still works.
    }
    if (seq !== routeSeq) return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  let section = parts[0];
  if (!allowed().some((s) => s.id === section)) {
    section = allowed()[0].id;
    history.replaceState(null, '', `#/${section}`);
    parts.length = 1;
  }
  const box = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
  shell(section, box);
  document.title = `${t(`nav.${section}`)} · ${t('app.title')}`;
  const pages = {
    cases: () => (parts[1] ? casePage(parts[1], me) : casesPage(me)),
    followup: () => (parts[1] ? followupDetailPage(parts[1], me) : followupPage(me)),
    stats: () => statsPage(me),
    fleet: () => fleetPage(me),
    content: () => contentPage(me, parts[1]),
    audit: () => auditPage(me),
  };
  try {
    const page = await pages[section]();
    if (seq !== routeSeq) return;
    clear(box).append(page);
  } catch (err) {
    clear(box).append(notice('error', `${t('common.error')}: ${err.message}`));
  }
}

whenSignedOut(() => { me = null; loginPage(); });
window.addEventListener('hashchange', route);
route();
