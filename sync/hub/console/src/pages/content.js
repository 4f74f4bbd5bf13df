// Content publishing: filled in below once the hub's draft API lands.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export async function contentPage() {
  return h('section', {}, h('h1', {}, t('content.title')));
}
