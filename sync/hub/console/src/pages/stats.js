// Rating statistics: 好评率, 差评, 差评回访率, 差评整改率 by month, service,
// department or kiosk, as a chart and a table, with the CSV the hub makes.
// The hub computes every figure (the same code as `kiosk-hub ratings stats`);
// this page only shows them.
import {
  Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip,
} from 'chart.js';
import { api } from '../api.js';
import { h, clear, field, select, table } from '../dom.js';
import { t } from '../i18n.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

const query = { by: 'month', from: '', to: '' };
let chart = null;

function pct(rate) { return rate === null || rate === undefined ? 'n/a' : `${(rate * 100).toFixed(1)}%`; }

function row(key, name, f, total = false) {
  return h('tr', { class: total ? 'total' : '', 'data-key': key ?? '' },
    h('td', {}, key ?? '—'), h('td', {}, name),
    h('td', { class: 'num' }, f.total), h('td', { class: 'num', 'data-fig': 'good_rate' }, pct(f.good_rate)),
    h('td', { class: 'num', 'data-fig': 'bad' }, f.bad), h('td', { class: 'num' }, f.bad_named),
    h('td', { class: 'num' }, f.bad_called_back), h('td', { class: 'num', 'data-fig': 'callback_rate' }, pct(f.callback_rate)),
    h('td', { class: 'num' }, f.bad_rectified), h('td', { class: 'num', 'data-fig': 'rectify_rate' }, pct(f.rectify_rate)));
}

export async function statsPage() {
  const root = h('section', { class: 'stats' });
  const box = h('div');
  async function load() {
    const q = new URLSearchParams({ by: query.by });
    if (query.from) q.set('from', query.from);
    if (query.to) q.set('to', query.to);
    const s = await api.get(`stats?${q}`);
    const canvas = h('canvas', { id: 'stats-chart', 'aria-label': t('stats.title'), role: 'img' });
    const labels = s.rows.map((r) => (r.key === null ? r.name : (query.by === 'month' || !r.name ? r.key : r.name)));
    clear(box).append(
      h('div', { class: 'card chart' }, canvas),
      table([t('stats.key'), t('stats.name'), t('stats.total'), t('stats.goodRate'), t('stats.bad'), t('stats.named'),
        t('stats.calledBack'), t('stats.callbackRate'), t('stats.rectified'), t('stats.rectifyRate')],
      [...s.rows.map((r) => row(r.key, r.name, r)), row(t('stats.totalRow'), '', s.total, true)],
      { class: 'figures', empty: t('common.none') }),
      h('p', { class: 'muted small' }, t('stats.note')));
    if (chart) chart.destroy();
    chart = new Chart(canvas, {
      data: {
        labels,
        datasets: [
          { type: 'bar', label: t('stats.total'), data: s.rows.map((r) => r.total), backgroundColor: '#9db7d5', yAxisID: 'n' },
          { type: 'bar', label: t('stats.bad'), data: s.rows.map((r) => r.bad), backgroundColor: '#d9534f', yAxisID: 'n' },
          {
            type: 'line', label: t('stats.goodRate'), data: s.rows.map((r) => (r.good_rate === null ? null : r.good_rate * 100)),
            borderColor: '#2e7d32', backgroundColor: '#2e7d32', yAxisID: 'pct', tension: 0.2,
          },
        ],
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: {
          n: { type: 'linear', position: 'left', beginAtZero: true, ticks: { precision: 0 } },
          pct: { type: 'linear', position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, ticks: { callback: (v) => `${v}%` } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }
  const by = select('by', ['month', 'service', 'department', 'kiosk'].map((b) => [b, t(`stats.by.${b}`)]), query.by,
    (e) => { query.by = e.target.value; load(); });
  const from = h('input', { type: 'date', id: 'from', value: query.from, onchange: (e) => { query.from = e.target.value; load(); } });
  const to = h('input', { type: 'date', id: 'to', value: query.to, onchange: (e) => { query.to = e.target.value; load(); } });
  const csv = h('a', {
    class: 'button', id: 'csv',
    onclick: (e) => {
      const q = new URLSearchParams({ by: query.by });
      if (query.from) q.set('from', query.from);
      if (query.to) q.set('to', query.to);
      e.currentTarget.href = `/staff/api/stats.csv?${q}`;
    },
    href: '/staff/api/stats.csv', download: 'ratings.csv',
  }, t('stats.csv'));
  root.append(h('h1', {}, t('stats.title')),
    h('div', { class: 'filters' }, field(t('stats.by'), by), field(t('stats.from'), from), field(t('stats.to'), to), csv), box);
  await load();
  return root;
}
